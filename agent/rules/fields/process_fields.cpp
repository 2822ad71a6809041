// proc.* and thread.*: the process behind the event, its parent and ancestors.
#include "rules/field_registry.h"
#include "rules/fields/process_times.h"

#include <string>

#include "state/fd_info.h"

namespace riposte {
namespace {

using V = std::vector<FieldValue>;

const ProcessInfo* Self(EvalContext& c) { return c.event.process; }
const ProcessInfo* Parent(EvalContext& c) {
  const ProcessInfo* p = Self(c);
  return p ? c.processes.Find(p->ppid) : nullptr;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& a : parts) {
    if (!s.empty()) s += ' ';
    s += a;
  }
  return s;
}

void Str(V& out, std::string_view s) { out.push_back({s, 0}); }
// Numbers carry no text: only outputs print them, and they format them there.
void Num(EvalContext&, V& out, int64_t n) { out.push_back({{}, n}); }
void Bool(V& out, bool b) { out.push_back({b ? "true" : "false", b}); }

constexpr const char* kCapNames[] = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
    "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
    "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"};

std::string CapNames(uint64_t caps) {
  std::string s;
  for (size_t i = 0; i < std::size(kCapNames); ++i)
    if (caps & (1ull << i)) s += (s.empty() ? "" : " ") + std::string(kCapNames[i]);
  return s;
}


// proc.aname[N], proc.aexe[N], ...: the N-th ancestor (0 = the process itself); without
// an argument, every ancestor from the parent up.
template <typename Get>
void Ancestors(EvalContext& c, const FieldArg& a, V& out, Get get) {
  const ProcessInfo* p = Self(c);
  if (!p) return;
  if (a.present) {
    if (const ProcessInfo* anc = c.processes.Ancestor(*p, static_cast<int>(a.index))) get(c, *anc, out);
    return;
  }
  for (int n = 1; n < 64; ++n) {
    const ProcessInfo* anc = c.processes.Ancestor(*p, n);
    if (!anc) break;
    get(c, *anc, out);
  }
}

// The process whose pid is `leader` (a session or group leader), if the table has it.
const ProcessInfo* Leader(EvalContext& c, uint32_t leader) { return c.processes.Find(leader); }

// proc.stdin.*, proc.stdout.*, proc.stderr.*: fd 0, 1 or 2 of the process.
template <int Fd, bool kName>
void StdFd(EvalContext& c, const FieldArg&, V& out) {
  const ProcessInfo* p = Self(c);
  if (!p) return;
  const FdInfo* f = p->fds.Find(Fd);
  if (!f) return;
  out.push_back({kName ? std::string_view(f->name) : FdTypeName(f->type), 0});
}

// A value of the env entry KEY=value, or "" (as Falco answers for a missing variable).
std::string_view EnvValue(const ProcessInfo& p, const std::string& key) {
  for (const auto& kv : p.env)
    if (kv.size() > key.size() && kv.compare(0, key.size(), key) == 0 && kv[key.size()] == '=')
      return std::string_view(kv).substr(key.size() + 1);
  return {};
}


constexpr std::string_view kDeprecatedProbe =
    "no value: deprecated in Falco, whose container plugin gives it no value either";

#define PROC(expr)                                           \
  [](EvalContext& c, const FieldArg&, V& out) {              \
    if (const ProcessInfo* p = Self(c)) { (void)c; expr; }   \
  }
#define PARENT(expr)                                         \
  [](EvalContext& c, const FieldArg&, V& out) {              \
    if (const ProcessInfo* p = Parent(c)) { (void)c; expr; } \
  }

}  // namespace

std::vector<FieldDef> ProcessFields() {
  using K = FieldType;
  using A = FieldArgMode;
  std::vector<FieldDef> f = {
      {"proc.pid", K::kInt, A::kNone, "process id", PROC(Num(c, out, p->pid))},
      {"proc.ppid", K::kInt, A::kNone, "parent process id", PROC(Num(c, out, p->ppid))},
      {"proc.vpid", K::kInt, A::kNone, "process id in its own pid namespace", PROC(Num(c, out, p->vpid))},
      {"proc.sid", K::kInt, A::kNone, "session id", PROC(Num(c, out, p->sid))},
      {"proc.vpgid", K::kInt, A::kNone, "process group id", PROC(Num(c, out, p->pgid))},
      {"proc.is_vpgid_leader", K::kBool, A::kNone, "the process leads its process group (proc.vpgid = proc.vpid)",
       PROC(Bool(out, p->pgid == p->vpid))},
      {"proc.is_sid_leader", K::kBool, A::kNone, "the process leads its session (proc.sid = proc.vpid, as Falco tests it)",
       PROC(Bool(out, p->sid == p->vpid))},
      {"proc.name", K::kString, A::kNone, "process name (the kernel's comm, 15 characters at most)", PROC(Str(out, p->comm))},
      {"proc.exe", K::kString, A::kNone, "first command-line argument (argv[0])", PROC(Str(out, p->exe))},
      {"proc.exepath", K::kString, A::kNone, "full path of the executable", PROC(Str(out, p->exepath))},
      {"proc.args", K::kString, A::kNone, "arguments after argv[0], space-separated", PROC(Str(out, p->args_text))},
      {"proc.cmdline", K::kString, A::kNone, "name and arguments", PROC(Str(out, p->cmdline))},
      {"proc.cwd", K::kString, A::kNone, "current working directory, with a trailing slash as Falco prints it",
       PROC(Str(out, p->cwd.ends_with('/') ? std::string_view(p->cwd) : c.Keep(p->cwd + '/')))},
      {"proc.tty", K::kInt, A::kNone, "controlling terminal (0 if none)", PROC(Num(c, out, p->tty))},
      {"proc.loginshellid", K::kInt, A::kNone, "session leader's pid", PROC(Num(c, out, p->sid))},
      {"proc.duration", K::kInt, A::kNone, "ns since the process started",
       PROC(Num(c, out, static_cast<int64_t>(c.event.ts_boot_ns - p->start_boottime_ns)))},
      {"proc.start_ts", K::kInt, A::kNone, "process start, ns since the epoch", PROC(Num(c, out, StartWallNs(c, *p)))},
      {"proc.is_exe_upper_layer", K::kBool, A::kNone, "executable is in an overlayfs upper layer (added after the container started)",
       PROC(Bool(out, p->exe_upper_layer))},
      {"proc.is_exe_from_memfd", K::kBool, A::kNone, "executable is a memfd (fileless)", PROC(Bool(out, p->exe_from_memfd))},
      {"proc.is_exe_writable", K::kBool, A::kNone, "the process may write its own executable (tested by the kernel at exec)",
       PROC(Bool(out, p->exe_writable))},
      {"proc.exe_ino", K::kInt, A::kNone, "executable's inode number", PROC(Num(c, out, static_cast<int64_t>(p->exe_ino)))},
      {"proc.exe_ino.ctime", K::kInt, A::kNone, "executable's inode change time, ns since the epoch", PROC(Num(c, out, p->exe_ctime_ns))},
      {"proc.exe_ino.mtime", K::kInt, A::kNone, "executable's modification time, ns since the epoch", PROC(Num(c, out, p->exe_mtime_ns))},
      {"proc.exe_ino.ctime_duration_proc_start", K::kInt, A::kNone, "ns between the executable's ctime and the process start",
       PROC(Num(c, out, StartWallNs(c, *p) - p->exe_ctime_ns))},
      {"proc.env", K::kString, A::kOptionalKey, "environment (space-separated), or one variable: proc.env[HOME]",
       [](EvalContext& c, const FieldArg& a, V& out) {
         const ProcessInfo* p = Self(c);
         if (!p) return;
         if (!a.present) {
           out.push_back({c.Keep(Join(p->env)), 0});
           return;
         }
         // As Falco: the first KEY= with a value, spaces around it trimmed; "" when unset.
         for (const auto& kv : p->env)
           if (kv.size() > a.key.size() + 1 && kv.compare(0, a.key.size(), a.key) == 0 && kv[a.key.size()] == '=') {
             std::string_view v = std::string_view(kv).substr(a.key.size() + 1);
             const size_t first = v.find_first_not_of(' ');
             v = first == std::string_view::npos ? std::string_view() : v.substr(first, v.find_last_not_of(' ') - first + 1);
             out.push_back({v, 0});
             return;
           }
         out.push_back({"", 0});
       }},
      {"proc.pname", K::kString, A::kNone, "parent's name", PARENT(Str(out, p->comm))},
      {"proc.pexe", K::kString, A::kNone, "parent's argv[0]", PARENT(Str(out, p->exe))},
      {"proc.pexepath", K::kString, A::kNone, "parent's executable path", PARENT(Str(out, p->exepath))},
      {"proc.pcmdline", K::kString, A::kNone, "parent's name and arguments", PARENT(Str(out, p->cmdline))},
      {"proc.pargs", K::kString, A::kNone, "parent's arguments", PARENT(Str(out, p->args_text))},
      {"proc.ppid.duration", K::kInt, A::kNone, "ns since the parent started",
       PARENT(Num(c, out, static_cast<int64_t>(c.event.ts_boot_ns - p->start_boottime_ns)))},
      {"proc.sname", K::kString, A::kNone, "session leader's name",
       PROC(if (const ProcessInfo* l = Leader(c, p->sid)) Str(out, l->comm))},
      {"proc.vpgid.name", K::kString, A::kNone, "process group leader's name",
       PROC(if (const ProcessInfo* g = Leader(c, p->pgid)) Str(out, g->comm))},
      {"proc.vpgid.exe", K::kString, A::kNone, "process group leader's argv[0]",
       PROC(if (const ProcessInfo* g = Leader(c, p->pgid)) Str(out, g->exe))},
      {"proc.aname", K::kString, A::kOptionalIndex, "name of the N-th ancestor (proc.aname[1] is the parent); without N, any ancestor",
       [](EvalContext& c, const FieldArg& a, V& out) {
         Ancestors(c, a, out, [](EvalContext&, const ProcessInfo& p, V& o) { o.push_back({p.comm, 0}); });
       }, Multiplicity::kAnyOf},
      {"proc.aexe", K::kString, A::kOptionalIndex, "argv[0] of the N-th ancestor; without N, any ancestor",
       [](EvalContext& c, const FieldArg& a, V& out) {
         Ancestors(c, a, out, [](EvalContext&, const ProcessInfo& p, V& o) { o.push_back({p.exe, 0}); });
       }, Multiplicity::kAnyOf},
      {"proc.aexepath", K::kString, A::kOptionalIndex, "executable path of the N-th ancestor; without N, any ancestor",
       [](EvalContext& c, const FieldArg& a, V& out) {
         Ancestors(c, a, out, [](EvalContext&, const ProcessInfo& p, V& o) { o.push_back({p.exepath, 0}); });
       }, Multiplicity::kAnyOf},
      {"proc.apid", K::kInt, A::kOptionalIndex, "pid of the N-th ancestor; without N, any ancestor",
       [](EvalContext& c, const FieldArg& a, V& out) {
         Ancestors(c, a, out, [](EvalContext& cc, const ProcessInfo& p, V& o) { Num(cc, o, p.pid); });
       }, Multiplicity::kAnyOf},
      {"proc.aargs", K::kString, A::kOptionalIndex,
       "arguments of the N-th ancestor; without N, every ancestor's from the parent up, space-joined",
       [](EvalContext& c, const FieldArg& a, V& out) {
         const ProcessInfo* p = Self(c);
         if (!p) return;
         if (a.present) {
           if (const ProcessInfo* anc = c.processes.Ancestor(*p, static_cast<int>(a.index))) out.push_back({anc->args_text, 0});
           return;
         }
         std::string joined;
         for (int n = 1; n < 64; ++n) {
           const ProcessInfo* anc = c.processes.Ancestor(*p, n);
           if (!anc) break;
           joined += (joined.empty() ? "" : " ") + anc->args_text;
         }
         if (!joined.empty()) out.push_back({c.Keep(std::move(joined)), 0});
       }},
      {"proc.acmdline", K::kString, A::kOptionalIndex, "command line of the N-th ancestor; without N, any ancestor",
       [](EvalContext& c, const FieldArg& a, V& out) {
         Ancestors(c, a, out, [](EvalContext&, const ProcessInfo& p, V& o) { o.push_back({p.cmdline, 0}); });
       }, Multiplicity::kAnyOf},
      {"proc.aenv", K::kString, A::kOptionalKey,
       "environment of the N-th ancestor (proc.aenv[1]); proc.aenv[HOME]: the nearest ancestor's HOME; no argument: proc.env",
       [](EvalContext& c, const FieldArg& a, V& out) {
         const ProcessInfo* p = Self(c);
         if (!p) return;
         if (!a.present || (a.key.empty() ? a.index < 1 : a.index == 0)) {
           out.push_back({c.Keep(Join(p->env)), 0});
         } else if (a.index > 0) {
           if (const ProcessInfo* anc = c.processes.Ancestor(*p, static_cast<int>(a.index))) out.push_back({c.Keep(Join(anc->env)), 0});
         } else {
           std::string_view v;
           for (int n = 1; n < 20 && v.empty(); ++n) {
             const ProcessInfo* anc = c.processes.Ancestor(*p, n);
             if (!anc) break;
             v = EnvValue(*anc, a.key);
           }
           out.push_back({v, 0});
         }
       }},
      {"proc.cmdnargs", K::kInt, A::kNone, "number of arguments (proc.args)", PROC(Num(c, out, static_cast<int64_t>(p->args.size())))},
      {"proc.cmdlenargs", K::kInt, A::kNone, "total length of the arguments, separators excluded",
       PROC(int64_t n = 0; for (const auto& arg : p->args) n += static_cast<int64_t>(arg.size()); Num(c, out, n))},
      {"proc.exeline", K::kString, A::kNone, "argv[0] and the arguments (proc.exe + proc.args)",
       PROC(Str(out, c.Keep(p->exe + " " + p->args_text)))},
      {"proc.pgid", K::kInt, A::kNone, "process group id", PROC(Num(c, out, p->pgid))},
      {"proc.is_pgid_leader", K::kBool, A::kNone, "the process leads its process group (proc.pgid = proc.pid)",
       PROC(Bool(out, p->pgid == p->pid))},
      {"proc.pgid.name", K::kString, A::kNone, "process group leader's name",
       PROC(if (const ProcessInfo* g = Leader(c, p->pgid)) Str(out, g->comm))},
      {"proc.pgid.exe", K::kString, A::kNone, "process group leader's argv[0]",
       PROC(if (const ProcessInfo* g = Leader(c, p->pgid)) Str(out, g->exe))},
      {"proc.pgid.exepath", K::kString, A::kNone, "process group leader's executable path",
       PROC(if (const ProcessInfo* g = Leader(c, p->pgid)) Str(out, g->exepath))},
      {"proc.vpgid.exepath", K::kString, A::kNone, "process group leader's executable path",
       PROC(if (const ProcessInfo* g = Leader(c, p->pgid)) Str(out, g->exepath))},
      {"proc.sid.exe", K::kString, A::kNone, "session leader's argv[0]",
       PROC(if (const ProcessInfo* l = Leader(c, p->sid)) Str(out, l->exe))},
      {"proc.sid.exepath", K::kString, A::kNone, "session leader's executable path",
       PROC(if (const ProcessInfo* l = Leader(c, p->sid)) Str(out, l->exepath))},
      {"proc.pvpid", K::kInt, A::kNone, "parent's id in its own pid namespace", PARENT(Num(c, out, p->vpid))},
      {"proc.pid.ts", K::kInt, A::kNone, "process start, ns since the epoch", PROC(Num(c, out, StartWallNs(c, *p)))},
      {"proc.ppid.ts", K::kInt, A::kNone, "parent's start, ns since the epoch", PARENT(Num(c, out, StartWallNs(c, *p)))},
      {"proc.pidns_init_start_ts", K::kInt, A::kNone, "start of the process' pid namespace (its init's start), ns since the epoch",
       PROC(if (const ProcessInfo* init = PidNamespaceInit(c, *p)) Num(c, out, StartWallNs(c, *init)))},
      {"proc.exe_ino.ctime_duration_pidns_start", K::kInt, A::kNone,
       "ns between the pid namespace's start and the executable's ctime, when the ctime is later",
       PROC(if (const ProcessInfo* init = PidNamespaceInit(c, *p); init && p->exe_ctime_ns) {
         const int64_t d = p->exe_ctime_ns - StartWallNs(c, *init);
         if (d > 0) Num(c, out, d);
       })},
      {"proc.is_exe_lower_layer", K::kBool, A::kNone, "executable is in an overlayfs lower layer (part of the image)",
       PROC(Bool(out, p->exe_lower_layer))},
      {"proc.fdopencount", K::kInt, A::kNone, "number of the process' open fds riposte tracks",
       PROC(Num(c, out, static_cast<int64_t>(p->fds.size())))},
      {"proc.stdin.type", K::kString, A::kNone, "type of fd 0", StdFd<0, false>},
      {"proc.stdout.type", K::kString, A::kNone, "type of fd 1", StdFd<1, false>},
      {"proc.stderr.type", K::kString, A::kNone, "type of fd 2", StdFd<2, false>},
      {"proc.stdin.name", K::kString, A::kNone, "name of fd 0", StdFd<0, true>},
      {"proc.stdout.name", K::kString, A::kNone, "name of fd 1", StdFd<1, true>},
      {"proc.stderr.name", K::kString, A::kNone, "name of fd 2", StdFd<2, true>},
      NoValue("proc.is_container_healthcheck", K::kBool, A::kNone, kDeprecatedProbe),
      NoValue("proc.is_container_liveness_probe", K::kBool, A::kNone, kDeprecatedProbe),
      NoValue("proc.is_container_readiness_probe", K::kBool, A::kNone, kDeprecatedProbe),
      {"thread.tid", K::kInt, A::kNone, "thread id", [](EvalContext& c, const FieldArg&, V& out) { Num(c, out, c.event.tid); }},
      {"thread.cap_effective", K::kString, A::kNone, "effective capabilities, by name",
       PROC(Str(out, c.Keep(CapNames(p->cap_effective))))},
      {"thread.cap_permitted", K::kString, A::kNone, "permitted capabilities, by name",
       PROC(Str(out, c.Keep(CapNames(p->cap_permitted))))},
      {"thread.cap_inheritable", K::kString, A::kNone, "inheritable capabilities, by name",
       PROC(Str(out, c.Keep(CapNames(p->cap_inheritable))))},
  };
  return f;
}

}  // namespace riposte
