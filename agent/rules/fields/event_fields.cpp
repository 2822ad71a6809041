// evt.*: the event itself — type, result, arguments, time, host.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <algorithm>
#include <cstring>

#include "decode/arg_format.h"
#include "decode/flag_names.h"
#include "decode/open_args.h"
#include "decode/socket_format.h"
#include "common/wall_time.h"
#include "rules/field_registry.h"
#include "rules/fields/process_params.h"
#include "rules/fields/falco_args_text.h"
#include "rules/fields/falco_params.h"
#include "rules/fields/fd_pair_params.h"
#include "rules/fields/open_params.h"
#include "rules/fields/prctl_params.h"

namespace riposte {
namespace {

using V = std::vector<FieldValue>;

// The text of a param as rules see it: paths absolute, sockaddrs as "ip:port".
std::string ParamText(const Event& e, int i) {
  const ParamInfo& pi = e.syscall->params[i];
  switch (pi.kind) {
    case ParamKind::kPath:
      return e.resolved_path[i].empty() || pi.shown_as_passed ? std::string(e.params[i]) : e.resolved_path[i];
    case ParamKind::kString: return std::string(e.params[i]);
    case ParamKind::kSockaddr: {
      SockAddr sa = ParseSockaddr(e.params[i]);
      if (sa.family == AF_UNIX) return sa.unix_path;
      if (sa.family == 0) return {};
      return FormatIp(sa.family, sa.addr) + ":" + std::to_string(sa.port);
    }
    case ParamKind::kOpenHow: return OpenFlagsName(OpenFlagsOf(e));
    case ParamKind::kCloneArgs: {
      if (e.params[i].size() < 8) return {};
      uint64_t f;
      std::memcpy(&f, e.params[i].data(), 8);
      return FormatArg(ArgKind::kCloneFlags, f);
    }
    case ParamKind::kFdPair: {
      if (e.params[i].size() < 8) return {};
      int32_t fds[2];
      std::memcpy(fds, e.params[i].data(), 8);
      return std::to_string(fds[0]) + " " + std::to_string(fds[1]);
    }
    case ParamKind::kCapHeader: case ParamKind::kCapData:  // capset's: its cap_* parameters show them
    case ParamKind::kExecStrings:  // a failed exec's: its exe, args and env parameters show them
    case ParamKind::kNone: break;
  }
  return {};
}

// A path parameter as evt.arg.NAME shows it: as the process passed it when absolute (not
// normalised: "//tmp//x" stays), made absolute against its base when relative (libsinsp's
// resolved string, which it prefers when there is one).
std::string ArgParamText(const Event& e, int i) {
  const std::string_view raw = e.params[i];
  if (e.syscall->params[i].kind == ParamKind::kPath && (raw.empty() || raw[0] == '/')) return std::string(raw);
  return ParamText(e, i);
}

// A failed syscall's result as Falco's evt.arg.res shows it: the errno's name.
std::string ErrorText(int64_t ret) {
  std::string name = ErrnoName(-ret);
  return name.empty() ? std::to_string(ret) : name;
}

// One integer argument as evt.arg shows it (fds as the fd, the rest rendered by kind) or
// as evt.rawarg does (the number, or its display-base text for modes and open flags).
void PushArg(EvalContext& ctx, ArgKind kind, uint64_t value, bool raw, V& out) {
  const int64_t n = ArgNumber(kind, value);
  if (raw) {
    out.push_back({ctx.Keep(FormatRawArg(kind, value)), n,
                   RawArgIsText(kind) ? FieldValue::Numeric::kShownAsText : FieldValue::Numeric::kYes});
  } else if (kind == ArgKind::kFd || (kind == ArgKind::kDirFd && n != AT_FDCWD)) {
    out.push_back({ctx.Keep(FalcoFdText(ctx.event, n)), n});  // "<f>/etc/passwd", as Falco's evt.arg.fd
  } else if (const ProcessInfo* p = kind == ArgKind::kPid && n > 0 ? ctx.processes.Find(static_cast<uint32_t>(n)) : nullptr) {
    out.push_back({p->comm, n});  // a known process by its name, as Falco's evt.arg.pid
  } else {
    out.push_back({ctx.Keep(FormatArg(kind, value)), n});
  }
}

// A derived parameter (a process's, procexit's, an open's) as evt.arg or evt.rawarg shows it.
void PushParam(EvalContext& ctx, ParamValue v, bool raw, V& out) {
  if (raw && v.number) out.push_back({ctx.Keep(std::to_string(*v.number)), *v.number, FieldValue::Numeric::kYes});
  else
    out.push_back({ctx.Keep(std::move(v.text)), v.number.value_or(0),
                   v.number_is_text ? FieldValue::Numeric::kShownAsText : FieldValue::Numeric::kNo});
}

// evt.arg.NAME: Falco's parameter names ("res" is the return value).
bool ArgByKey(EvalContext& ctx, std::string_view key, bool raw, V& out) {
  const Event& e = ctx.event;
  const SyscallInfo& s = *e.syscall;
  // Only Falco's parameters of the event have a value (an open has no "res", sendto no
  // "addr": Falco's sendto carries the peer in its tuple); for events Falco's table lacks,
  // riposte's own names.
  const auto& names = FalcoParams(s.name);
  if (!names.empty() && std::find(names.begin(), names.end(), key) == names.end()) return false;
  if (key == "tuple") {  // the driver's tuple, oriented by the event's direction
    auto text = FalcoTupleParamText(e);
    if (!text) return false;
    out.push_back({ctx.Keep(std::move(*text)), 0});
    return true;
  }
  if (key == "res" && ResultIsPid(s)) {  // a pid: the process' name when known, else the number
    out.push_back({ctx.Keep(raw ? std::to_string(e.ret) : PidResult(e, ctx.processes).text), e.ret});
    return true;
  }
  if (key == "res") {
    // An fd result shows as the fd, as Falco shows it (dup's res is "<f>/etc/passwd"); a
    // failure as its errno's name.
    const bool fd = !raw && e.ret >= 0 && ReturnsFd(s.name);
    out.push_back({ctx.Keep(!raw && e.ret < 0 ? ErrorText(e.ret) : fd ? FalcoFdText(e, e.ret) : std::to_string(e.ret)), e.ret});
    return true;
  }
  if (HasProcessParams(s.name))
    if (auto v = ProcessParamOf(e, ctx.processes, key)) {
      PushParam(ctx, std::move(*v), raw, out);
      return true;
    }
  // socket's flags are Falco's, taken from its type (SOCK_NONBLOCK is O_NONBLOCK's bit,
  // SOCK_CLOEXEC O_CLOEXEC's).
  if (s.nr == SYS_socket && key == "flags") {
    PushArg(ctx, ArgKind::kFdFlags, e.args[1], raw, out);
    return true;
  }
  if (IsOpenEvent(e)) {
    // What the open did joins what it asked (O_F_CREATED); creat has no flags parameter.
    if (key == "flags" && s.nr != SYS_creat) {
      PushArg(ctx, ArgKind::kOpenFlags, OpenReportedFlags(e), raw, out);
      return true;
    }
    if (auto v = OpenParamOf(e, key)) {
      PushParam(ctx, std::move(*v), raw, out);
      return true;
    }
  }
  if (auto v = CapsetParamOf(e, key)) {
    PushParam(ctx, std::move(*v), raw, out);
    return true;
  }
  if (auto v = PrctlParamOf(e, key)) {
    PushParam(ctx, std::move(*v), raw, out);
    return true;
  }
  if (auto n = FdPairParamOf(e, key)) {  // pipe's fd1 "<p>", fd2, ino
    PushArg(ctx, key == "ino" ? ArgKind::kUInt : ArgKind::kFd, static_cast<uint64_t>(*n), raw, out);
    return true;
  }
  // Falco's fd-creating events (open, socket, accept, memfd_create ...) return their fd
  // as the parameter "fd", first in their list.
  if (key == "fd" && !names.empty() && names[0] == "fd") {
    out.push_back({ctx.Keep(raw ? std::to_string(e.ret) : e.ret < 0 ? ErrorText(e.ret) : FalcoFdText(e, e.ret)), e.ret,
                   raw ? FieldValue::Numeric::kYes : FieldValue::Numeric::kNo});
    return true;
  }
  for (int i = 0; i < 2; ++i) {
    if (s.params[i].kind != ParamKind::kNone && s.params[i].name == key) {
      if (e.flags & RP_SYSCALL_NO_ENTER) return false;
      out.push_back({ctx.Keep(ArgParamText(e, i)), 0});
      return true;
    }
  }
  for (size_t i = 0; i < s.args.size(); ++i) {
    if (s.args[i].kind != ArgKind::kNone && s.args[i].name == key) {
      // Falco's socket type is a plain number ("1", flags included), never a name.
      const ArgKind kind = s.args[i].kind == ArgKind::kSocketType ? ArgKind::kUInt : s.args[i].kind;
      PushArg(ctx, kind, e.args[i], raw, out);
      return true;
    }
  }
  // open's mode lives in open_how for openat2 (and creat's flags are implied)
  if (IsOpenEvent(e) && key == "mode") {
    PushArg(ctx, ArgKind::kMode, OpenModeOf(e), raw, out);
    return true;
  }
  return false;
}

// procexit's evt.arg.NAME, as the clone family's process parameters show.
bool ExitArgByKey(EvalContext& ctx, std::string_view key, bool raw, V& out) {
  auto v = ExitParamOf(ctx.event, ctx.processes, key);
  if (!v) return false;
  PushParam(ctx, std::move(*v), raw, out);
  return true;
}

// evt.arg.NAME / evt.arg[N]: by name, or the N-th parameter of Falco's exit event for
// this type.
bool ArgByName(EvalContext& ctx, const FieldArg& arg, bool raw, V& out) {
  const bool exit = ctx.event.kind == EventKind::kProcessExit;
  if (ctx.event.kind != EventKind::kSyscall && !exit) return false;
  auto by_key = [&](std::string_view key) { return exit ? ExitArgByKey(ctx, key, raw, out) : ArgByKey(ctx, key, raw, out); };
  if (!arg.key.empty() || arg.index < 0) return by_key(arg.key);
  const auto& names = FalcoParams(EventTypeName(ctx.event));
  if (static_cast<size_t>(arg.index) >= names.size()) return false;
  return by_key(names[arg.index]);
}

// evt.args (and evt.info): Falco's rendering of every parameter riposte has.
void AllArgs(EvalContext& c, const FieldArg&, V& out) {
  if (c.event.kind != EventKind::kSyscall && c.event.kind != EventKind::kProcessExit) return;
  out.push_back({c.Keep(FalcoArgsText(c.event, &c.processes)), 0});
}

// The index of the param called `name`, or -1.
int ParamIndex(const Event& e, std::string_view name) {
  if (e.kind != EventKind::kSyscall) return -1;
  for (int i = 0; i < 2; ++i)
    if (e.syscall->params[i].kind != ParamKind::kNone && e.syscall->params[i].name == name) return i;
  return -1;
}

// evt.abspath (which 0), .src (1), .dst (2): the path argument made absolute against its
// dirfd, for the *at syscalls that have one (Falco's list).
template <int Which>
void AbsPath(EvalContext& c, const FieldArg&, V& out) {
  const Event& e = c.event;
  if (e.kind != EventKind::kSyscall || (e.flags & RP_SYSCALL_NO_ENTER)) return;
  const std::string_view t = e.syscall->name;
  std::string_view param;
  if (t == "renameat" || t == "renameat2" || t == "linkat") param = Which == 2 ? "newpath" : "oldpath";
  else if (t == "symlinkat") param = "linkpath";
  else if (t == "openat" || t == "openat2" || t == "unlinkat") param = "name";
  else if (t == "mkdirat") param = "path";
  else if (t == "fchmodat") param = "filename";
  else if (t == "fchownat") param = "pathname";
  const int i = param.empty() ? -1 : ParamIndex(e, param);
  if (i < 0) return;
  out.push_back({c.Keep(ParamText(e, i)), 0});
}

}  // namespace

std::vector<FieldDef> EventFields() {
  return {
      {"evt.type", FieldType::kString, FieldArgMode::kNone, "event type: the syscall name, or procexit",
       [](EvalContext& c, const FieldArg&, V& out) { out.push_back({EventTypeName(c.event), 0}); }},
      {"evt.dir", FieldType::kString, FieldArgMode::kNone, "'<': riposte sends one record per syscall, at exit",
       [](EvalContext&, const FieldArg&, V& out) { out.push_back({"<", 0}); }},
      {"evt.num", FieldType::kInt, FieldArgMode::kNone, "event sequence number",
       [](EvalContext& c, const FieldArg&, V& out) {
         out.push_back({{}, static_cast<int64_t>(c.event_number)});
       }},
      {"evt.time", FieldType::kInt, FieldArgMode::kNone, "event time: printed as the time of day with nanoseconds, compared (and in JSON) as ns since the epoch",
       [](EvalContext& c, const FieldArg&, V& out) { out.push_back({c.Keep(FormatTimeOfDay(c.wall_ns)), c.wall_ns}); }},
      {"evt.time.iso8601", FieldType::kString, FieldArgMode::kNone, "event time, ISO 8601 (RFC 3339) with nanoseconds, UTC",
       [](EvalContext& c, const FieldArg&, V& out) { out.push_back({c.Keep(FormatRfc3339(c.wall_ns)), c.wall_ns}); }},
      {"evt.rawtime", FieldType::kInt, FieldArgMode::kNone, "event time, ns since the epoch",
       [](EvalContext& c, const FieldArg&, V& out) { out.push_back({{}, c.wall_ns}); }},
      {"evt.hostname", FieldType::kString, FieldArgMode::kNone, "host name",
       [](EvalContext& c, const FieldArg&, V& out) { out.push_back({c.hostname, 0}); }},
      {"evt.source", FieldType::kString, FieldArgMode::kNone, "event source: syscall",
       [](EvalContext&, const FieldArg&, V& out) { out.push_back({"syscall", 0}); }},
      {"evt.cpu", FieldType::kInt, FieldArgMode::kNone, "CPU the event happened on",
       [](EvalContext& c, const FieldArg&, V& out) { out.push_back({{}, c.event.cpu}); }},
      {"evt.res", FieldType::kString, FieldArgMode::kNone, "result: SUCCESS or the errno name",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (c.event.kind != EventKind::kSyscall) return;
         // A failure is its result parameter as Falco prints it: the errno's name, or the
         // bare number for a pid result (setsid's "-1").
         const int64_t ret = c.event.ret;
         if (ret >= 0) out.push_back({"SUCCESS", ret});
         else if (c.event.syscall && ResultIsPid(*c.event.syscall)) out.push_back({c.Keep(std::to_string(ret)), ret});
         else out.push_back({c.Keep(ErrnoName(-ret)), ret});
       }},
      {"evt.rawres", FieldType::kInt, FieldArgMode::kNone, "return value, as a number",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (c.event.kind != EventKind::kSyscall) return;
         out.push_back({{}, c.event.ret});
       }},
      {"evt.failed", FieldType::kBool, FieldArgMode::kNone, "true if the syscall failed",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (c.event.kind != EventKind::kSyscall) return;
         out.push_back({c.event.ret < 0 ? "true" : "false", c.event.ret < 0});
       }},
      // Falco answers these for every event, false for one that is not an open.
      // Falco answers these from an open's flags parameter, which creat's event lacks: false.
      {"evt.is_open_read", FieldType::kBool, FieldArgMode::kNone, "an open for reading (false for other events, creat included)",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (!IsOpenEvent(c.event) || c.event.syscall->nr == SYS_creat) return out.push_back({"false", false});
         auto acc = OpenFlagsOf(c.event) & O_ACCMODE;
         bool b = acc == O_RDONLY || acc == O_RDWR;
         out.push_back({b ? "true" : "false", b});
       }},
      {"evt.is_open_write", FieldType::kBool, FieldArgMode::kNone, "an open for writing (false for other events, creat included)",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (!IsOpenEvent(c.event) || c.event.syscall->nr == SYS_creat) return out.push_back({"false", false});
         auto acc = OpenFlagsOf(c.event) & O_ACCMODE;
         bool b = acc == O_WRONLY || acc == O_RDWR;
         out.push_back({b ? "true" : "false", b});
       }},
      {"evt.is_open_exec", FieldType::kBool, FieldArgMode::kNone,
       "an open creating a file with execute permission (false for other events)",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (!IsOpenEvent(c.event)) return out.push_back({"false", false});
         // creat: its mode alone. The others: creating (O_CREAT, or any bit of O_TMPFILE, which
         // O_DIRECTORY shares: Falco's encoding tests it so) with an execute bit.
         const uint64_t flags = OpenFlagsOf(c.event);
         const bool creating = c.event.syscall->nr == SYS_creat || (flags & O_CREAT) || (flags & O_TMPFILE);
         bool b = creating && (OpenModeOf(c.event) & 0111);
         out.push_back({b ? "true" : "false", b});
       }},
      {"evt.args", FieldType::kString, FieldArgMode::kNone,
       "every parameter as Falco prints them, in Falco's order: fd=3(<f>/etc/passwd) dirfd=-100(AT_FDCWD) ... "
       "(those riposte's records do not carry are left out)", AllArgs},
      {"evt.arg", FieldType::kString, FieldArgMode::kOptionalKey, "one argument, by name (evt.arg.flags, evt.arg[name]) or position (evt.arg[0])",
       [](EvalContext& c, const FieldArg& a, V& out) { ArgByName(c, a, false, out); }},
      {"evt.rawarg", FieldType::kString, FieldArgMode::kOptionalKey, "one argument as a raw number (evt.rawarg.uid)",
       [](EvalContext& c, const FieldArg& a, V& out) { ArgByName(c, a, true, out); }},
      NoValue("evt.buffer", FieldType::kString, FieldArgMode::kNone,
              "no value in riposte: I/O data buffers are not captured (the agent never copies what processes read or write)"),
      {"evt.type.is", FieldType::kInt, FieldArgMode::kRequiredKey, "1 if the event is of the type named: evt.type.is[openat], else 0",
       [](EvalContext& c, const FieldArg& a, V& out) { out.push_back({{}, EventTypeName(c.event) == a.key ? 1 : 0}); }},
      {"syscall.type", FieldType::kString, FieldArgMode::kNone, "the syscall's name; no value for process events (procexit ...)",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (c.event.kind == EventKind::kSyscall) out.push_back({c.event.syscall->name, 0});
       }},
      {"evt.info", FieldType::kString, FieldArgMode::kNone, "the same as evt.args (as in Falco)",
       AllArgs},
      {"evt.is_async", FieldType::kBool, FieldArgMode::kNone, "false: riposte produces no asynchronous events",
       [](EvalContext&, const FieldArg&, V& out) { out.push_back({"false", 0}); }},
      NoValue("evt.asynctype", FieldType::kString, FieldArgMode::kNone,
              "no value in riposte: it produces no asynchronous events (nor does Falco for syscalls)"),
      {"evt.abspath", FieldType::kString, FieldArgMode::kNone,
       "the path argument of an *at syscall made absolute against its dirfd (renameat, linkat: the old path)", AbsPath<0>},
      {"evt.abspath.src", FieldType::kString, FieldArgMode::kNone, "evt.abspath's source path (renameat, linkat: oldpath)", AbsPath<1>},
      {"evt.abspath.dst", FieldType::kString, FieldArgMode::kNone, "the destination path (renameat, linkat: newpath)", AbsPath<2>},
      // Falco's test: the open reported O_F_CREATED (the kernel's FMODE_CREATED), or it
      // succeeded with O_TMPFILE in its flags, which Falco sees on every O_DIRECTORY open
      // too. creat is not among the opens it asks.
      {"evt.is_open_create", FieldType::kBool, FieldArgMode::kNone,
       "an open (not creat) that created its file (false for other events)",
       [](EvalContext& c, const FieldArg&, V& out) {
         const Event& e = c.event;
         if (!IsOpenEvent(e) || e.syscall->nr == SYS_creat) return out.push_back({"false", false});
         const uint64_t flags = OpenReportedFlags(e);
         // Any bit of O_TMPFILE, as Falco's encoding tests it.
         const bool b = (flags & kOpenCreatedFile) || ((flags & O_TMPFILE) && e.ret >= 0);
         out.push_back({b ? "true" : "false", b});
       }},
      NoValue("evt.pluginname", FieldType::kString, FieldArgMode::kNone,
              "no value: syscall events come from no plugin (none in Falco either)"),
      NoValue("evt.plugininfo", FieldType::kString, FieldArgMode::kNone,
              "no value: syscall events come from no plugin (none in Falco either)"),
      NoValue("evt.infra.docker.name", FieldType::kString, FieldArgMode::kNone,
              "no value: Falco's docker infrastructure events are not syscall events, and riposte produces none"),
      NoValue("evt.infra.docker.container.id", FieldType::kString, FieldArgMode::kNone,
              "no value: Falco's docker infrastructure events are not syscall events, and riposte produces none"),
      NoValue("evt.infra.docker.container.name", FieldType::kString, FieldArgMode::kNone,
              "no value: Falco's docker infrastructure events are not syscall events, and riposte produces none"),
      NoValue("evt.infra.docker.container.image", FieldType::kString, FieldArgMode::kNone,
              "no value: Falco's docker infrastructure events are not syscall events, and riposte produces none"),
  };
}

}  // namespace riposte
