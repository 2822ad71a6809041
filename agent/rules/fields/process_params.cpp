#include "rules/fields/process_params.h"

#include <sys/syscall.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstring>
#include <span>

#include "common/wall_time.h"
#include "decode/arg_format.h"
#include "decode/failed_exec_strings.h"
#include "decode/falco_flag_sets.h"
#include "decode/flag_names.h"
#include "state/path_resolution.h"
#include "state/process_info.h"

namespace riposte {
namespace {

// Falco's PT_BYTEBUF rendering of a NUL-separated list: each item, its unprintable bytes
// as '.', and a '.' for the NUL after it ("exec_argv." for one argument).
std::string ByteBufText(std::span<const std::string> items) {
  if (items.empty()) return "NULL";  // Falco's rendering of an empty list
  std::string out;
  for (const auto& item : items) {
    for (unsigned char c : item) out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
    out += '.';
  }
  return out;
}

ParamValue Text(std::string s) { return {s, std::move(s), std::nullopt, false}; }

ParamValue Number(int64_t n, std::string text) {
  return {text, std::move(text), n, true};
}

// A pid parameter: the name of the process `host_pid` names, "26547(cf_exec1)" in
// evt.args (`shown` is the number the parameter carries: a namespace's own id for vpid).
ParamValue Pid(const ProcessTable& processes, uint32_t shown, uint32_t host_pid) {
  const ProcessInfo* p = processes.Find(host_pid);
  if (!p) return Number(shown, std::to_string(shown));
  return {p->comm, std::to_string(shown) + "(" + p->comm + ")", shown, false};
}
ParamValue Pid(const ProcessTable& processes, uint32_t pid) { return Pid(processes, pid, pid); }

// A uid or gid parameter: its name ("<NONE>" for -1), "0(root)" in evt.args.
ParamValue Id(ArgKind kind, uint32_t id) {
  const int64_t n = id == UINT32_MAX ? -1 : static_cast<int64_t>(id);
  std::string name = FormatArg(kind, id);
  const bool named = name != std::to_string(id);
  return {name, named ? std::to_string(n) + "(" + name + ")" : name, n, false};
}

// The clone family's flags as Falco's probe reports them: clone's argument, clone3's
// clone_args.flags, none for fork and vfork, in Falco's encoding, plus its
// CLONE_CHILD_IN_PIDNS when the kernel side saw the new task outside the initial pid
// namespace. "25165824(CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID)" in evt.args.
std::optional<ParamValue> CloneFlags(const Event& e) {
  uint64_t kernel_flags = 0;
  if (e.syscall->nr == SYS_clone) {
    kernel_flags = e.args[0];
  } else if (e.syscall->nr == SYS_clone3) {
    if (e.params[0].size() < sizeof(kernel_flags)) return std::nullopt;  // clone_args not read
    std::memcpy(&kernel_flags, e.params[0].data(), sizeof(kernel_flags));
  }
  const uint32_t v = FalcoCloneFlags(kernel_flags, e.flags & RP_SYSCALL_CHILD_IN_PIDNS);
  return FlagSetParam(*FalcoFlagSetOf(ArgKind::kCloneFlags), v);
}

ParamValue Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%llX", static_cast<unsigned long long>(v));
  return Number(static_cast<int64_t>(v), buf);
}

}  // namespace

bool HasProcessParams(std::string_view s) {
  return s == "execve" || s == "execveat" || s == "clone" || s == "clone3" || s == "fork" || s == "vfork";
}

std::optional<ParamValue> ProcessParamOf(const Event& e, const ProcessTable& processes, std::string_view name) {
  const ProcessInfo* p = e.process;
  if (!p) return std::nullopt;
  const bool exec = e.syscall->name == "execve" || e.syscall->name == "execveat";
  // A failed exec's exe, args and env are what it was given (argv[0], the rest of argv,
  // envp), as Falco's probe reads them from the call; the caller's own are unchanged.
  if (exec && e.ret < 0 && (name == "exe" || name == "args" || name == "env")) {
    const auto given = FailedExecStringsOf(e);
    if (!given) return std::nullopt;
    if (name == "exe") return Text(given->argv.empty() ? std::string() : given->argv[0]);
    if (name == "env") return Text(ByteBufText(given->envp));
    return Text(ByteBufText(std::span(given->argv).subspan(given->argv.empty() ? 0 : 1)));
  }
  if (name == "exe") return Text(p->exe);  // argv[0], as the process got it
  if (name == "args") return Text(ByteBufText(p->args));
  if (name == "tid") return Pid(processes, e.tid, e.pid);  // a thread shows its process's name
  if (name == "pid") return Pid(processes, e.pid);
  // The parent thread: riposte keeps the parent process, the same task unless a
  // secondary thread of a multithreaded parent forked.
  if (name == "ptid") return Pid(processes, p->ppid);
  // Falco's modern probe leaves the cwd empty: rules and outputs see "<NA>".
  if (name == "cwd") return Text("<NA>");
  // The clone family's comm is the kernel's name at the fork (a prctl rename shows).
  if (name == "comm") return Text(!exec && !p->fork_comm.empty() ? p->fork_comm : p->comm);
  // The environment the exec passed, as riposte keeps it (bounded at RP_ENV_MAX bytes).
  if (name == "env" && exec) return Text(ByteBufText(p->env));
  // The path a successful exec was given, as the kernel held it while exec'ing
  // (bprm->filename, which Falco's probe reads too): a relative one is shown made absolute
  // against the cwd, "./tool(/root/tool)" in evt.args. A failed exec's is the path its
  // syscall record carries.
  if (name == "filename" && exec && e.ret == 0 && !p->exec_filename.empty()) {
    const std::string& raw = p->exec_filename;
    if (raw[0] == '/') return Text(raw);
    std::string resolved = ResolvePath(p->cwd, raw);
    return ParamValue{resolved, raw + "(" + resolved + ")", std::nullopt, false};
  }
  // The ids inside the caller's pid namespace, which name its processes by their host pid
  // in Falco's rendering; a thread's own namespace id is not kept, only the process's.
  if (name == "vpid") return Pid(processes, p->vpid, e.pid);
  if (name == "vtid" && e.tid == e.pid) return Pid(processes, p->vpid, e.pid);
  // Another thread's namespace id is not kept, but in the initial pid namespace (the
  // process' vpid is its pid) it is the thread's own id.
  if (name == "vtid" && p->vpid == e.pid) return Pid(processes, e.tid, e.pid);
  // execve's uid and gid are ids shown by name; the clone family's are plain numbers.
  if (name == "uid") return exec ? Id(ArgKind::kUid, p->uid) : Number(p->uid, std::to_string(p->uid));
  if (name == "gid") return exec ? Id(ArgKind::kGid, p->gid) : Number(p->gid, std::to_string(p->gid));
  if (p->figures) {
    const ProcessInfo::Figures& f = *p->figures;
    for (auto [param, value] : {std::pair{"fdlimit", f.fdlimit}, std::pair{"pgft_maj", f.pgft_maj},
                                std::pair{"pgft_min", f.pgft_min}, std::pair{"vm_size", f.vm_size_kib},
                                std::pair{"vm_rss", f.vm_rss_kib}, std::pair{"vm_swap", f.vm_swap_kib}})
      if (name == param) return Number(static_cast<int64_t>(value), std::to_string(value));
  }
  // The new task's side of a clone (it returns 0) says when its pid namespace's init
  // started; the parent's side says 0.
  if (name == "pidns_init_start_ts" && !exec) {
    const uint64_t ts = e.ret == 0 ? p->pidns_init_start_ns : 0;
    return Number(static_cast<int64_t>(ts), std::to_string(ts));
  }
  if (name == "flags" && !exec) return CloneFlags(e);
  // "cpuset=/.cpu=/user.slice. ...", one item per controller; no value where riposte does
  // not know them (a process seeded without /proc/PID/cgroup).
  if (name == "cgroups" && !p->controller_cgroups.empty()) {
    std::vector<std::string> items;
    for (const auto& [controller, path] : p->controller_cgroups) items.push_back(controller + "=" + path);
    return Text(ByteBufText(items));
  }
  if (!exec) return std::nullopt;
  if (name == "tty") return Number(p->tty, std::to_string(p->tty));
  if (name == "pgid" || name == "vpgid") return Pid(processes, p->pgid);
  if (name == "loginuid") return Id(ArgKind::kUid, p->loginuid);
  if (name == "cap_inheritable") return Hex(p->cap_inheritable);
  if (name == "cap_permitted") return Hex(p->cap_permitted);
  if (name == "cap_effective") return Hex(p->cap_effective);
  if (name == "exe_ino") return Number(static_cast<int64_t>(p->exe_ino), std::to_string(p->exe_ino));
  if (name == "exe_ino_ctime" || name == "exe_ino_mtime") {
    const int64_t ns = name == "exe_ino_ctime" ? p->exe_ctime_ns : p->exe_mtime_ns;
    std::string when = FormatLocalTime(ns, true, true);
    return ParamValue{when, when, ns, false};
  }
  if (name == "trusted_exepath") return Text(p->exepath);
  if (name == "flags") {  // "1(EXE_WRITABLE)" in evt.args, "0" for none
    const uint32_t bits = (p->exe_writable ? kFalcoExeWritable : 0) | (p->exe_upper_layer ? kFalcoExeUpperLayer : 0) |
                          (p->exe_from_memfd ? kFalcoExeFromMemfd : 0) | (p->exe_lower_layer ? kFalcoExeLowerLayer : 0);
    if (!bits) return Number(0, "0");
    std::string names = ExecFlagsName(bits);
    return ParamValue{names, std::to_string(bits) + "(" + names + ")", static_cast<int64_t>(bits), false};
  }
  return std::nullopt;
}

std::optional<ParamValue> ExitParamOf(const Event& e, const ProcessTable& processes, std::string_view name) {
  if (e.kind != EventKind::kProcessExit) return std::nullopt;
  const int status = e.exit_code;
  if (name == "status") return Number(status, std::to_string(status));
  if (name == "ret") return Number(WEXITSTATUS(status), std::to_string(WEXITSTATUS(status)));
  if (name == "sig") {
    const int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    if (!sig) return Number(0, "0");
    std::string signame = FormatArg(ArgKind::kSignal, static_cast<uint64_t>(sig));
    return ParamValue{signame, std::to_string(sig) + "(" + signame + ")", sig, false};
  }
  if (name == "core") {
    const int core = WCOREDUMP(status) ? 1 : 0;
    return Number(core, std::to_string(core));
  }
  if (name == "reaper_tid") {
    if (e.reaper_tid <= 0) return Number(e.reaper_tid, std::to_string(e.reaper_tid));
    return Pid(processes, static_cast<uint32_t>(e.reaper_tid));
  }
  return std::nullopt;
}

ParamValue PidResult(const Event& e, const ProcessTable& processes) {
  if (e.ret <= 0) return Number(e.ret, std::to_string(e.ret));
  return Pid(processes, static_cast<uint32_t>(e.ret));
}

std::optional<ParamValue> CapsetParamOf(const Event& e, std::string_view name) {
  if (e.kind != EventKind::kSyscall || !e.syscall || e.syscall->nr != SYS_capset || !e.process) return std::nullopt;
  const ProcessInfo& p = *e.process;  // the state stage applied the call already
  if (name == "cap_inheritable") return Hex(p.cap_inheritable);
  if (name == "cap_permitted") return Hex(p.cap_permitted);
  if (name == "cap_effective") return Hex(p.cap_effective);
  return std::nullopt;
}

}  // namespace riposte
