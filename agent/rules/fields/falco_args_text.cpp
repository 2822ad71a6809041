#include "rules/fields/falco_args_text.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "decode/arg_format.h"
#include "decode/falco_flag_sets.h"
#include "decode/flag_names.h"
#include "decode/open_args.h"
#include "decode/socket_format.h"
#include "decode/user_names.h"
#include "kernel/syscall_table.h"
#include "rules/fields/process_params.h"
#include "rules/fields/falco_params.h"
#include "rules/fields/fd_pair_params.h"
#include "rules/fields/open_params.h"
#include "rules/fields/prctl_params.h"
#include "state/fd_info.h"
#include "state/socket_parsing.h"
#include "state/process_info.h"

namespace riposte {
namespace {

// An fd as Falco shows it inside parentheses: "<f>/etc/passwd", "<4t>1.2.3.4:5->6.7.8.9:10"
// (the protocol's letter once Falco knows it), "<p>" (a pipe has no name), "<4>" (a socket
// that is not yet bound or connected).
std::string FdText(const FdInfo& f) {
  std::string out = "<" + std::string(FdTypeChar(f.type));
  if (f.type == FdType::kIpv4 || f.type == FdType::kIpv6) {
    using L4 = FalcoSocket::L4;
    switch (ReportedL4(f)) {
      case L4::kTcp: out += 't'; break;
      case L4::kUdp: out += 'u'; break;
      case L4::kIcmp: out += 'i'; break;
      case L4::kRaw: out += 'r'; break;
      case L4::kUnknown: break;
    }
    return out + ">" + f.name;
  }
  out += ">";
  if (f.type == FdType::kFile || f.type == FdType::kDirectory || f.type == FdType::kMemfd || f.type == FdType::kUnix)
    out += f.name;
  return out;
}

std::string WithMeaning(int64_t n, const std::string& meaning) {
  return meaning.empty() ? std::to_string(n) : std::to_string(n) + "(" + meaning + ")";
}

const FdInfo* FdOf(const Event& e, int64_t fd) { return e.process ? e.process->fds.Find(fd) : nullptr; }

// "3(<f>/etc/passwd)", or "3" for an fd the process table does not know.
std::string FdNumberText(const Event& e, int64_t fd) {
  const FdInfo* f = FdOf(e, fd);
  return f ? WithMeaning(fd, FdText(*f)) : std::to_string(fd);
}

std::string ErrnoText(int64_t ret) { return WithMeaning(ret, ErrnoName(-ret)); }

std::string ResultText(const Event& e, const ProcessTable* processes) {
  if (ResultIsPid(*e.syscall)) return processes ? PidResult(e, *processes).args_text : std::to_string(e.ret);
  if (e.ret < 0) return ErrnoText(e.ret);
  if (ReturnsFd(e.syscall->name)) return FdNumberText(e, e.ret);
  return std::to_string(e.ret);
}

std::optional<std::string> ArgText(const Event& e, const ProcessTable* processes, size_t i) {
  const ArgInfo& a = e.syscall->args[i];
  const uint64_t raw = e.args[i];
  const int64_t n = static_cast<int32_t>(raw);
  if (const FalcoFlagSet* set = FalcoFlagSetOf(a.kind)) return FalcoFlagArgsText(*set, set->encode(raw));
  switch (a.kind) {
    case ArgKind::kFd: return FdNumberText(e, n);
    case ArgKind::kPid: {  // "1234(cf_signals)" for a process riposte knows
      const ProcessInfo* p = processes && n > 0 ? processes->Find(static_cast<uint32_t>(n)) : nullptr;
      return p ? WithMeaning(n, p->comm) : std::to_string(n);
    }
    case ArgKind::kDirFd: return n == AT_FDCWD ? WithMeaning(n, "AT_FDCWD") : FdNumberText(e, n);
    case ArgKind::kOpenFlags: return WithMeaning(FalcoOpenFlags(raw), OpenFlagsName(raw));
    case ArgKind::kMode:
      return FormatArg(ArgKind::kMode, raw);
    case ArgKind::kChmodMode:  // the octal mode, then its bits by name
      return (raw & 07777) == 0 ? "0" : FormatArg(ArgKind::kMode, raw) + "(" + ChmodModeName(raw) + ")";
    case ArgKind::kHexMode:
      return FormatArg(ArgKind::kHexMode, raw);
    case ArgKind::kUid:
    case ArgKind::kGid: {
      const auto id = static_cast<uint32_t>(raw);
      if (id == UINT32_MAX) return WithMeaning(-1, "<NONE>");
      // An id no user (group) has is "12345(<NA>)", as Falco shows it.
      return WithMeaning(id, std::string(a.kind == ArgKind::kUid ? UserName(id) : GroupName(id)));
    }
    case ArgKind::kSignal: {  // "9(SIGKILL)"; a number with no signal's name alone ("0")
      const std::string name = SignalName(static_cast<int>(raw));
      return name == std::to_string(n) ? name : WithMeaning(n, name);
    }
    case ArgKind::kPrctlOption: return WithMeaning(static_cast<uint32_t>(raw), PrctlOptionName(raw));
    case ArgKind::kSocketFamily: return WithMeaning(ArgNumber(a.kind, raw), FormatArg(a.kind, raw));
    case ArgKind::kFdFlags:
    case ArgKind::kMemfdFlags:
    case ArgKind::kUffdFlags: {  // "4096(O_CLOEXEC)"; the number alone when no name applies
      const int64_t v = ArgNumber(a.kind, raw);
      const std::string names = FormatArg(a.kind, raw);
      return names == std::to_string(v) ? names : WithMeaning(v, names);
    }
    case ArgKind::kInt:
    case ArgKind::kOwnerId:  // unsigned in Falco's table, printed signed ("-1")
      return std::to_string(n);
    case ArgKind::kUInt:
    case ArgKind::kHex:
    case ArgKind::kSocketType:
      return std::to_string(raw);
    // fcntl's command is Falco's own enum; riposte does not render it.
    default:
      break;
  }
  return std::nullopt;
}

// A path, string or address parameter as evt.args shows it.
std::optional<std::string> ParamForArgs(const Event& e, int i) {
  if (e.flags & RP_SYSCALL_NO_ENTER) return std::nullopt;
  const std::string raw(e.params[i]);
  switch (e.syscall->params[i].kind) {
    case ParamKind::kPath:
      // A relative path shows what it resolved to, as Falco shows it: "rel(/tmp/w/rel)".
      if (!raw.empty() && raw[0] != '/' && !e.resolved_path[i].empty() && !e.syscall->params[i].shown_as_passed)
        return raw + "(" + e.resolved_path[i] + ")";
      return raw;
    case ParamKind::kString: return raw;
    case ParamKind::kSockaddr: {
      SockAddr sa = ParseSockaddr(e.params[i]);
      if (sa.family == AF_UNIX) return sa.unix_path;
      if (sa.family == 0) return std::nullopt;
      return FormatIp(sa.family, sa.addr) + ":" + std::to_string(sa.port);
    }
    default: return std::nullopt;
  }
}

std::optional<std::string> ValueOf(const Event& e, const ProcessTable* processes, std::string_view name, bool first) {
  const SyscallInfo& s = *e.syscall;
  if (name == "res") return ResultText(e, processes);
  if (processes && HasProcessParams(s.name))
    if (auto v = ProcessParamOf(e, *processes, name)) return std::move(v->args_text);
  if (name == "fd" && first) return e.ret < 0 ? ErrnoText(e.ret) : FdNumberText(e, e.ret);
  if (s.nr == SYS_socket && name == "flags") {  // Falco's, from the type's SOCK_NONBLOCK and SOCK_CLOEXEC
    const int64_t v = ArgNumber(ArgKind::kFdFlags, e.args[1]);
    return WithMeaning(v, FormatArg(ArgKind::kFdFlags, e.args[1]));
  }
  if (IsOpenEvent(e)) {
    if (name == "flags" && s.nr != SYS_creat) {
      const uint64_t f = OpenReportedFlags(e);
      return WithMeaning(FalcoOpenFlags(f), OpenFlagsName(f));
    }
    if (auto v = OpenParamOf(e, name)) return std::move(v->args_text);
    if (name == "mode" && s.nr == SYS_openat2) return FormatArg(ArgKind::kMode, OpenModeOf(e));
  }
  if (auto v = PrctlParamOf(e, name)) return std::move(v->args_text);
  if (auto v = CapsetParamOf(e, name)) return std::move(v->args_text);
  if (auto n = FdPairParamOf(e, name)) return name == "ino" ? std::to_string(*n) : FdNumberText(e, *n);
  if (name == "tuple") return FalcoTupleParamText(e);
  for (int i = 0; i < 2; ++i)
    if (s.params[i].kind != ParamKind::kNone && s.params[i].name == name) return ParamForArgs(e, i);
  for (size_t i = 0; i < s.args.size(); ++i)
    if (s.args[i].kind != ArgKind::kNone && s.args[i].name == name) return ArgText(e, processes, i);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> FalcoTupleParamText(const Event& e) {
  // The driver sends no tuple for a call that failed (a connect still in progress has one).
  const bool in_progress = e.syscall && e.syscall->nr == SYS_connect && e.ret == -EINPROGRESS;
  if (e.ret < 0 && !in_progress) return "NULL";
  if (auto t = FalcoTupleOf(e)) return FalcoTupleText(*t);
  return std::nullopt;
}

bool ReturnsFd(std::string_view t) { return t == "dup" || t == "dup2" || t == "dup3" || t == "fcntl"; }

bool ResultIsPid(const SyscallInfo& s) {
  switch (s.nr) {
    case SYS_clone: case SYS_clone3: case SYS_fork: case SYS_vfork: case SYS_setsid: return true;
    default: return false;
  }
}

std::string FalcoFdText(const Event& e, int64_t fd) {
  const FdInfo* f = FdOf(e, fd);
  return f ? FdText(*f) : std::to_string(fd);
}

std::string FalcoArgsText(const Event& e, const ProcessTable* processes) {
  if (e.kind == EventKind::kProcessExit) {
    std::string out;
    for (std::string_view name : FalcoParams("procexit")) {
      std::optional<ParamValue> v = processes ? ExitParamOf(e, *processes, name) : std::nullopt;
      if (!v) continue;
      if (!out.empty()) out += ' ';
      out += std::string(name) + "=" + v->args_text;
    }
    return out;
  }
  if (e.kind != EventKind::kSyscall || !e.syscall) return {};
  std::string out;
  const auto& names = FalcoParams(e.syscall->name);
  for (size_t i = 0; i < names.size(); ++i) {
    auto v = ValueOf(e, processes, names[i], i == 0);
    if (!v) continue;
    if (!out.empty()) out += ' ';
    out += std::string(names[i]) + "=" + *v;
  }
  return out;
}

}  // namespace riposte
