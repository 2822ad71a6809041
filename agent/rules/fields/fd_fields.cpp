// fd.*: the file descriptor the event acts on (opened, read, closed, connected ...).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/syscall.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <string>

#include "decode/socket_format.h"
#include "kernel/syscall_table.h"
#include "rules/field_registry.h"
#include "rules/fields/event_traits.h"
#include "state/fd_info.h"
#include "state/socket_parsing.h"
#include "state/process_info.h"

namespace riposte {
namespace {

using V = std::vector<FieldValue>;

const FdInfo* Fd(EvalContext& c) { return c.event.fd; }
bool IsInet(const FdInfo& f) { return f.type == FdType::kIpv4 || f.type == FdType::kIpv6; }

using Role = FalcoSocket::Role;
using L4 = FalcoSocket::L4;

// The IP fields read Falco's view of the socket (FalcoSocket): a tuple oriented client ->
// server once the process plays a role in it, or a bound server socket's own address.
bool HoldsTuple(const FdInfo& f) { return IsInet(f) && !f.sock.bound_server; }
bool IsBoundServer(const FdInfo& f) { return IsInet(f) && f.sock.bound_server; }
bool HasRole(const FdInfo& f) { return f.sock.role != Role::kNone; }

enum class End { kClient, kServer, kLocal, kRemote };

// Which of the tuple's ends an end is: the client's and the server's are fixed; the local
// one is the client's when that address is this machine's, else the server's.
bool IsClientEnd(const FdInfo& f, End end) {
  switch (end) {
    case End::kClient: return true;
    case End::kServer: return false;
    case End::kLocal: return f.sock.sip_local;
    case End::kRemote: return !f.sock.sip_local;
  }
  return true;
}

// An end's address and port, as Falco answers them: nothing for a socket without a role;
// the local and remote ends only for a tuple; a bound server socket has only its own,
// the server's.
bool EndOf(const FdInfo* f, End end, IpBytes* addr, uint16_t* port) {
  if (!f || !IsInet(*f) || !HasRole(*f)) return false;
  if (f->sock.bound_server) {
    if (end != End::kServer) return false;
    *addr = f->sock.sip, *port = f->sock.sport;
    return true;
  }
  const bool client = IsClientEnd(*f, end);
  *addr = client ? f->sock.sip : f->sock.dip;
  *port = client ? f->sock.sport : f->sock.dport;
  return true;
}

void Ip(EvalContext& c, V& out, End end) {
  IpBytes addr;
  uint16_t port;
  if (EndOf(Fd(c), end, &addr, &port)) out.push_back({c.Keep(FormatIp(SocketFamilyOf(*Fd(c)), addr)), 0});
}

void Port(EvalContext& c, V& out, End end) {
  IpBytes addr;
  uint16_t port;
  if (EndOf(Fd(c), end, &addr, &port)) out.push_back({{}, port});
}

// fd.cproto, fd.sproto ...: Falco names the port's service only when asked to resolve
// ports (off by default), so what it prints is the port number as text. Where it has a
// role but no tuple port to name (a bound server socket, a unix socket's client end), the
// client and server ends print as empty text.
void Proto(EvalContext& c, V& out, End end) {
  const FdInfo* f = Fd(c);
  if (!f || !HasRole(*f)) return;
  IpBytes addr;
  uint16_t port;
  if (HoldsTuple(*f) && EndOf(f, end, &addr, &port)) {
    out.push_back({c.Keep(std::to_string(port)), 0});
  } else if ((end == End::kClient && !HoldsTuple(*f)) || (end == End::kServer && IsBoundServer(*f))) {
    out.push_back({"", 0});
  }
}

// fd.ip, fd.port, fd.net, fd.proto (compared, never printed): either end of a tuple, a
// bound server socket's own; a socket without a role too.
void EitherIp(EvalContext& c, V& out) {
  const FdInfo* f = Fd(c);
  if (!f || !IsInet(*f)) return;
  out.push_back({c.Keep(FormatIp(SocketFamilyOf(*f), f->sock.sip)), 0});
  if (!f->sock.bound_server) out.push_back({c.Keep(FormatIp(SocketFamilyOf(*f), f->sock.dip)), 0});
}

void EitherPort(EvalContext& c, V& out, bool as_text) {
  const FdInfo* f = Fd(c);
  if (!f || !IsInet(*f)) return;
  auto push = [&](uint16_t p) { out.push_back(as_text ? FieldValue{c.Keep(std::to_string(p)), 0} : FieldValue{{}, p}); };
  push(f->sock.sport);
  if (!f->sock.bound_server) push(f->sock.dport);
}

std::string_view L4Name(L4 l4) {
  switch (l4) {
    case L4::kTcp: return "tcp";
    case L4::kUdp: return "udp";
    case L4::kIcmp: return "icmp";
    case L4::kRaw: return "raw";
    case L4::kUnknown: break;
  }
  return "<NA>";
}

// fd.is_server, as Falco decides it: a bound server socket is one; for a tuple, whether the
// server's address is this machine's.
bool IsServerSide(const FdInfo& f) {
  if (!IsInet(f)) return false;
  return f.sock.bound_server || f.sock.dip_local;
}

// The container id as fd.containername chains it: Falco's short id, or "host".
std::string ContainerTag(const ProcessInfo& p) {
  return p.container_id.empty() ? std::string("host") : p.container_id.substr(0, 12);
}

// Falco's fd fields answer only on events that create, use or destroy an fd (its event
// table's flags); on any other event every fd field has no value.
// Asked on most fd field reads: answered from a table by syscall number, built once from
// the traits (read-only afterwards), rather than by hashing the type's name each time.
bool IsFdEvent(const Event& e) {
  if (e.kind != EventKind::kSyscall || !e.syscall) return false;  // process events have no fd
  static const std::vector<bool> by_nr = [] {
    std::vector<bool> v;
    for (const SyscallInfo& s : KnownSyscalls()) {
      if (s.nr < 0) continue;
      if (static_cast<size_t>(s.nr) >= v.size()) v.resize(s.nr + 1);
      v[s.nr] = TraitsOf(s.name).touches_fd;
    }
    return v;
  }();
  const auto nr = static_cast<size_t>(e.syscall->nr);
  return nr < by_nr.size() && by_nr[nr];
}

// On such an event with no fd Falco knows (a failed call; a dirfd of AT_FDCWD), libsinsp
// still answers a few fields from the event: the name is "" (an open's comes from its
// path: riposte's failed-open fd carries it), the directory "/", and the type character
// is guessed from the event type.
bool FdEventWithoutFd(EvalContext& c) { return !c.event.fd && IsFdEvent(c.event); }

std::string_view EventTypeChar(const Event& e) {
  switch (e.syscall ? e.syscall->nr : -1) {
    case SYS_openat: case SYS_openat2: case SYS_creat: return "f";  // not open: Falco lists it not
    case SYS_socket: case SYS_accept: case SYS_accept4: return "4";  // whatever the family, as Falco
    case SYS_pipe: case SYS_pipe2: return "p";
  }
  return "o";
}

// fd.directory as libsinsp cuts it: up to the last '/' ("/" when that is the first
// character or there is none); a name ending in '/' is kept whole.
std::string_view FalcoDirectory(std::string_view name) {
  const size_t slash = name.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return "/";
  return slash < name.size() - 1 ? name.substr(0, slash) : name;
}

// fd.filename: after the last '/' ("/" when there is none); a name ending in '/' whole.
std::string_view FalcoFilename(std::string_view name) {
  const size_t slash = name.rfind('/');
  if (slash == std::string_view::npos) return "/";
  return slash < name.size() - 1 ? name.substr(slash + 1) : name;
}

// A directory fd's directory is its name; a file's (and what a failed open asked for) is
// cut; any other fd has none.
std::optional<std::string_view> DirectoryOf(const FdInfo& f) {
  if (f.type == FdType::kDirectory) return std::string_view(f.name);
  if (f.type == FdType::kFile || f.failed_open) return FalcoDirectory(f.name);
  return std::nullopt;
}

// fd.nameraw drops repeated separators ("//tmp//x" is "/tmp/x"), as libsinsp does.
std::string_view WithoutRepeatedSlashes(EvalContext& c, std::string_view path) {
  if (path.find("//") == std::string_view::npos) return path;
  std::string out;
  out.reserve(path.size());
  for (char ch : path)
    if (ch != '/' || out.empty() || out.back() != '/') out += ch;
  return c.Keep(std::move(out));
}

#define FD(expr)                                            \
  [](EvalContext& c, const FieldArg&, V& out) {             \
    if (const FdInfo* f = Fd(c)) { (void)c; (void)f; expr; } \
  }

// Like FD, but not for what a failed open asked for: Falco has no fd there, so no device,
// inode or layer.
#define OPENED_FD(expr)                                                        \
  [](EvalContext& c, const FieldArg&, V& out) {                                \
    if (const FdInfo* f = Fd(c); f && !f->failed_open) { (void)c; expr; }      \
  }

}  // namespace

std::vector<FieldDef> FdFields() {
  using K = FieldType;
  using A = FieldArgMode;
  return {
      // Falco's last event fd: the fd argument the event uses (AT_FDCWD's -100 included), the
      // one it created, or -1 (a failed open or socket).
      {"fd.num", K::kInt, A::kNone, "file descriptor number: the fd the event uses or created (-1 when none)",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (IsFdEvent(c.event)) out.push_back({{}, c.event.fd_num});
       }},
      {"fd.name", K::kString, A::kNone, "full name: a file's path, a socket's tuple 'sip:sport->dip:dport', a unix socket's path",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (const FdInfo* f = Fd(c)) out.push_back({f->name, 0});
         else if (FdEventWithoutFd(c)) out.push_back({"", 0});
       }},
      {"fd.nameraw", K::kString, A::kNone,
       "the path as the process passed it (not normalised: '../' stays; repeated '/' dropped); empty for fds not opened by path",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (const FdInfo* f = Fd(c)) out.push_back({WithoutRepeatedSlashes(c, f->name_raw_is_name ? f->name : f->name_raw), 0});
         else if (FdEventWithoutFd(c)) out.push_back({"", 0});
       }},
      {"fd.directory", K::kString, A::kNone, "directory of a file (a directory fd: itself)",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (const FdInfo* f = Fd(c)) {
           if (auto dir = DirectoryOf(*f)) out.push_back({*dir, 0});
         } else if (FdEventWithoutFd(c)) {
           out.push_back({"/", 0});
         }
       }},
      {"fd.filename", K::kString, A::kNone, "file name without its directory (files only)",
       FD(if (f->type == FdType::kFile) out.push_back({FalcoFilename(f->name), 0}))},
      {"fd.type", K::kString, A::kNone, "file, directory, ipv4, ipv6, unix, pipe, event, signalfd, eventpoll, inotify, timerfd, netlink, bpf, memfd",
       FD(if (!f->failed_open) out.push_back({FdTypeName(f->type), 0}))},
      {"fd.typechar", K::kString, A::kNone,
       "type as one character (f, d, 4, 6, u, p, e, s, l, i, t, n, b, r, m; o unknown, ? none; guessed from the event type when the event has no known fd)",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (const FdInfo* f = Fd(c)) out.push_back({f->failed_open ? EventTypeChar(c.event) : FdTypeChar(f->type), 0});
         else if (FdEventWithoutFd(c)) out.push_back({EventTypeChar(c.event), 0});
       }},
      {"fd.sockfamily", K::kString, A::kNone, "ip or unix",
       FD(if (IsInet(*f)) out.push_back({"ip", 0}); else if (f->type == FdType::kUnix) out.push_back({"unix", 0}))},
      // As Falco: an fd that is not an IP socket answers "<NA>" (a value: its protocol is
      // not applicable), a failed open's none.
      {"fd.l4proto", K::kString, A::kNone,
       "tcp, udp, icmp or raw: a bound socket's, or a connected one's once it plays a role in it; <NA> otherwise (an fd that is not an IP socket)",
       FD(if (!f->failed_open) out.push_back({L4Name(ReportedL4(*f)), 0}))},
      // Falco answers both for every fd it has (not for what a failed open asked for).
      {"fd.connected", K::kBool, A::kNone,
       "a socket that connected or was accepted, or an IP socket that has read or written; false for any other fd",
       OPENED_FD(out.push_back({f->connected ? "true" : "false", f->connected}))},
      {"fd.name_changed", K::kBool, A::kNone,
       "this event gave the fd its name or a new one (an open, an accept, a connect that names the peer)",
       OPENED_FD(out.push_back({c.event.fd_name_changed ? "true" : "false", c.event.fd_name_changed}))},
      {"fd.lip", K::kIpAddr, A::kNone, "local IP", [](EvalContext& c, const FieldArg&, V& out) { Ip(c, out, End::kLocal); }},
      {"fd.rip", K::kIpAddr, A::kNone, "remote IP", [](EvalContext& c, const FieldArg&, V& out) { Ip(c, out, End::kRemote); }},
      {"fd.sip", K::kIpAddr, A::kNone, "server IP", [](EvalContext& c, const FieldArg&, V& out) { Ip(c, out, End::kServer); }},
      {"fd.cip", K::kIpAddr, A::kNone, "client IP", [](EvalContext& c, const FieldArg&, V& out) { Ip(c, out, End::kClient); }},
      FilterOnly({"fd.ip", K::kIpAddr, A::kNone, "either IP (conditions only: an output prints no value, as Falco's)",
       [](EvalContext& c, const FieldArg&, V& out) { EitherIp(c, out); }, Multiplicity::kAnyOf}),
      {"fd.lport", K::kInt, A::kNone, "local port", [](EvalContext& c, const FieldArg&, V& out) { Port(c, out, End::kLocal); }},
      {"fd.rport", K::kInt, A::kNone, "remote port", [](EvalContext& c, const FieldArg&, V& out) { Port(c, out, End::kRemote); }},
      {"fd.sport", K::kInt, A::kNone, "server port", [](EvalContext& c, const FieldArg&, V& out) { Port(c, out, End::kServer); }},
      {"fd.cport", K::kInt, A::kNone, "client port", [](EvalContext& c, const FieldArg&, V& out) { Port(c, out, End::kClient); }},
      FilterOnly({"fd.port", K::kInt, A::kNone, "either port (conditions only: an output prints no value, as Falco's)",
       [](EvalContext& c, const FieldArg&, V& out) { EitherPort(c, out, false); }, Multiplicity::kAnyOf}),
      {"fd.lnet", K::kIpNet, A::kNone, "local IP, compared with networks", [](EvalContext& c, const FieldArg&, V& out) { Ip(c, out, End::kLocal); }},
      {"fd.rnet", K::kIpNet, A::kNone, "remote IP, compared with networks", [](EvalContext& c, const FieldArg&, V& out) { Ip(c, out, End::kRemote); }},
      {"fd.snet", K::kIpNet, A::kNone, "server IP, compared with networks", [](EvalContext& c, const FieldArg&, V& out) { Ip(c, out, End::kServer); }},
      {"fd.cnet", K::kIpNet, A::kNone, "client IP, compared with networks", [](EvalContext& c, const FieldArg&, V& out) { Ip(c, out, End::kClient); }},
      FilterOnly({"fd.net", K::kIpNet, A::kNone, "either IP, compared with networks (conditions only: an output prints no value)",
       [](EvalContext& c, const FieldArg&, V& out) { EitherIp(c, out); }, Multiplicity::kAnyOf}),
      // Host names of addresses: riposte does no DNS; these never have a value.
      {"fd.lip.name", K::kString, A::kNone, "local host name (riposte: no DNS, no value)", [](EvalContext&, const FieldArg&, V&) {}},
      {"fd.rip.name", K::kString, A::kNone, "remote host name (riposte: no DNS, no value)", [](EvalContext&, const FieldArg&, V&) {}},
      {"fd.sip.name", K::kString, A::kNone, "server host name (riposte: no DNS, no value)", [](EvalContext&, const FieldArg&, V&) {}},
      {"fd.cip.name", K::kString, A::kNone, "client host name (riposte: no DNS, no value)", [](EvalContext&, const FieldArg&, V&) {}},
      {"fd.is_server", K::kBool, A::kNone, "the process is the server end of the socket (false for other fds)",
       OPENED_FD(bool b = IsServerSide(*f); out.push_back({b ? "true" : "false", b}))},
      {"fd.uid", K::kString, A::kNone, "the thread id and the fd number chained, as one identifier",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (c.event.process && IsFdEvent(c.event)) out.push_back({c.Keep(std::to_string(c.event.tid) + std::to_string(c.event.fd_num)), 0});
       }},
      {"fd.containername", K::kString, A::kNone, "container id and fd name chained: ID:NAME",
       [](EvalContext& c, const FieldArg&, V& out) {
         const ProcessInfo* p = c.event.process;
         if (!p) return;
         if (const FdInfo* f = Fd(c)) out.push_back({c.Keep(ContainerTag(*p) + ':' + f->name), 0});
         else if (FdEventWithoutFd(c)) out.push_back({c.Keep(ContainerTag(*p) + ':'), 0});
       }},
      {"fd.containerdirectory", K::kString, A::kNone, "container id and the file's directory chained: ID:DIR",
       [](EvalContext& c, const FieldArg&, V& out) {
         const ProcessInfo* p = c.event.process;
         if (!p) return;
         if (const FdInfo* f = Fd(c)) {
           if (auto dir = DirectoryOf(*f)) out.push_back({c.Keep(ContainerTag(*p) + ':' + std::string(*dir)), 0});
         } else if (FdEventWithoutFd(c)) {
           out.push_back({c.Keep(ContainerTag(*p) + ":/"), 0});
         }
       }},
      {"fd.lproto", K::kString, A::kNone, "local port, as text", [](EvalContext& c, const FieldArg&, V& out) { Proto(c, out, End::kLocal); }},
      {"fd.rproto", K::kString, A::kNone, "remote port, as text", [](EvalContext& c, const FieldArg&, V& out) { Proto(c, out, End::kRemote); }},
      {"fd.sproto", K::kString, A::kNone, "server port, as text", [](EvalContext& c, const FieldArg&, V& out) { Proto(c, out, End::kServer); }},
      {"fd.cproto", K::kString, A::kNone, "client port, as text", [](EvalContext& c, const FieldArg&, V& out) { Proto(c, out, End::kClient); }},
      FilterOnly({"fd.proto", K::kString, A::kNone, "either port, as text (conditions only: an output prints no value)",
       [](EvalContext& c, const FieldArg&, V& out) { EitherPort(c, out, true); }, Multiplicity::kAnyOf}),
      // Falco prints the device in hex ("FE00") and compares it as the number.
      {"fd.dev", K::kString, A::kNone, "the file's device number, in hex (0 for an fd that is not a file)",
       OPENED_FD(char hex[16]; std::snprintf(hex, sizeof(hex), "%X", f->dev);
          out.push_back({c.Keep(hex), f->dev, FieldValue::Numeric::kShownAsText}))},
      {"fd.dev.major", K::kInt, A::kNone, "the file's device major number", OPENED_FD(out.push_back({{}, (f->dev & 0xfff00) >> 8}))},
      {"fd.dev.minor", K::kInt, A::kNone, "the file's device minor number",
       OPENED_FD(out.push_back({{}, (f->dev & 0xff) | ((f->dev >> 12) & 0xfff00)}))},
      {"fd.ino", K::kInt, A::kNone, "the file's inode number", OPENED_FD(out.push_back({{}, static_cast<int64_t>(f->ino)}))},
      {"fd.is_upper_layer", K::kBool, A::kNone, "the file is in the upper (container-written) layer of an overlayfs",
       OPENED_FD(out.push_back({f->upper_layer ? "true" : "false", f->upper_layer}))},
      {"fd.is_lower_layer", K::kBool, A::kNone, "the file is in a lower (image) layer of an overlayfs",
       OPENED_FD(out.push_back({f->lower_layer ? "true" : "false", f->lower_layer}))},
      NoValue("fdlist.nums", K::kString, A::kNone, "no value: riposte does not capture poll, whose fd list these read"),
      NoValue("fdlist.names", K::kString, A::kNone, "no value: riposte does not capture poll, whose fd list these read"),
      NoValue("fdlist.cips", K::kString, A::kNone, "no value: riposte does not capture poll, whose fd list these read"),
      NoValue("fdlist.sips", K::kString, A::kNone, "no value: riposte does not capture poll, whose fd list these read"),
      NoValue("fdlist.cports", K::kString, A::kNone, "no value: riposte does not capture poll, whose fd list these read"),
      NoValue("fdlist.sports", K::kString, A::kNone, "no value: riposte does not capture poll, whose fd list these read"),
      {"fd.types", K::kString, A::kOptionalIndex,
       "types of the process' fds, for events that touch an fd; fd.types[N] is the type of fd N (a list in output_fields)",
       [](EvalContext& c, const FieldArg& a, V& out) {
         const ProcessInfo* p = c.event.process;
         // Only for events that create, use or destroy an fd (Falco's event flags).
         if (!p || !TraitsOf(EventTypeName(c.event)).touches_fd) return;
         if (a.present) {
           if (const FdInfo* f = p->fds.Find(a.index)) out.push_back({FdTypeName(f->type), 0});
           return;
         }
         // Each type once, as Falco lists them.
         for (const auto& [num, f] : p->fds.entries()) {
           std::string_view type = FdTypeName(f.type);
           if (std::none_of(out.begin(), out.end(), [&](const FieldValue& v) { return v.str == type; }))
             out.push_back({type, 0});
         }
       }, Multiplicity::kList},
  };
}

}  // namespace riposte
