#include "state/socket_parsing.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "kernel/syscall_table.h"

namespace riposte {
namespace {

using Role = FalcoSocket::Role;
using L4 = FalcoSocket::L4;

bool IsMapped(const IpBytes& a) {
  static const uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(a.data(), kPrefix, 12) == 0;
}

IpBytes MappedToV4(const IpBytes& a) {
  IpBytes out{};
  std::memcpy(out.data(), a.data() + 12, 4);
  return out;
}

bool IsZero(uint16_t family, const IpBytes& a) {
  const size_t n = family == AF_INET ? 4 : 16;
  return std::all_of(a.begin(), a.begin() + n, [](uint8_t b) { return b == 0; });
}

bool Same(uint16_t family, const IpBytes& a, const IpBytes& b) {
  return std::memcmp(a.data(), b.data(), family == AF_INET ? 4 : 16) == 0;
}

// An end is this machine's when an interface holds it, or when it is the kernel's own
// address for this socket (a container's address, which the host's interfaces lack: Falco
// asks the container's metadata there).
bool IsLocal(const LocalInterfaces& interfaces, uint16_t family, const IpBytes& addr, const Event& e) {
  if (interfaces.Holds(family, addr)) return true;
  if (!(e.flags & RP_SYSCALL_HAS_TUPLE) || IsZero(family, addr)) return false;
  IpBytes local = e.tuple.local_addr;
  if (e.tuple.family == AF_INET6 && family == AF_INET) {
    if (!IsMapped(local)) return false;
    local = MappedToV4(local);
  } else if (e.tuple.family != family) {
    return false;
  }
  return Same(family, addr, local);
}

void JudgeEnds(FdInfo& f, const LocalInterfaces& interfaces, const Event& e) {
  const uint16_t family = SocketFamilyOf(f);
  f.sock.sip_local = IsLocal(interfaces, family, f.sock.sip, e);
  f.sock.dip_local = IsLocal(interfaces, family, f.sock.dip, e);
}

// Falco's tuple update: nothing when the socket already holds these ends either way round
// (only a socket that is not a bound server holds a tuple to compare); else every end is
// written. Returns whether anything changed.
bool SetEnds(FalcoSocket& s, uint16_t family, const FalcoTuple& t) {
  if (!s.bound_server) {
    const bool same = Same(family, t.sip, s.sip) && t.sport == s.sport && Same(family, t.dip, s.dip) && t.dport == s.dport;
    const bool reversed = Same(family, t.dip, s.sip) && t.dport == s.sport && Same(family, t.sip, s.dip) && t.sport == s.dport;
    if (same || reversed) return false;
  }
  const bool changed = s.bound_server || !Same(family, t.sip, s.sip) || t.sport != s.sport ||
                       !Same(family, t.dip, s.dip) || t.dport != s.dport;
  s.sip = t.sip;
  s.sport = t.sport;
  s.dip = t.dip;
  s.dport = t.dport;
  s.bound_server = false;
  return changed;
}

void Swap(FalcoSocket& s) {
  std::swap(s.sip, s.dip);
  std::swap(s.sport, s.dport);
  std::swap(s.sip_local, s.dip_local);
}

// The fd's type follows the tuple's family. An IPv6 socket whose ends are both IPv4-mapped
// becomes an IPv4 one, and (a quirk of Falco's storage, where the IPv4 protocol byte lies
// inside the IPv6 address) loses its protocol.
void TakeFamily(FdInfo& f, uint16_t family) {
  const FdType type = family == AF_INET6 ? FdType::kIpv6 : FdType::kIpv4;
  if (f.type == FdType::kIpv6 && type == FdType::kIpv4) f.sock.l4 = L4::kUnknown;
  f.type = type;
}

// Falco's ports of the IPv4 reading of the tuple, which for an IPv6 socket are bytes of its
// client address (its role guess reads them either way).
std::pair<uint16_t, uint16_t> GuessPorts(const FdInfo& f) {
  if (f.type == FdType::kIpv4) return {f.sock.sport, f.sock.dport};
  uint16_t sport, dport;
  std::memcpy(&sport, f.sock.sip.data() + 8, 2);
  std::memcpy(&dport, f.sock.sip.data() + 10, 2);
  return {sport, dport};
}

// Falco's guess of a role from traffic: a client unless the process holds an IPv4 socket
// on the port this one talks to; else a server unless one of its IPv4 sockets uses this
// one's client port; else a server if the first traffic came in.
Role GuessRole(const FdInfo& f, const FdTable& fds, bool incoming) {
  const std::pair<uint16_t, uint16_t> ports = GuessPorts(f);
  const uint16_t sport = ports.first, dport = ports.second;  // named, not bound: lambdas capture them
  auto any = [&](auto pred) {
    if (pred(f)) return true;
    for (const auto& [num, other] : fds.entries())
      if (&other != &f && pred(other)) return true;
    return false;
  };
  const bool bound = any([&](const FdInfo& g) {
    if (g.type != FdType::kIpv4) return false;
    return g.sock.bound_server ? g.sock.sport == dport : g.sock.dport == dport;
  });
  if (!bound) return Role::kClient;
  const bool client_port = any([&](const FdInfo& g) {
    return g.type == FdType::kIpv4 && !g.sock.bound_server && g.sock.sport == sport;
  });
  if (!client_port) return Role::kServer;
  return incoming ? Role::kServer : Role::kClient;
}

// Falco patches a tuple with a missing end (an unbound socket's 0.0.0.0) with the address
// it infers from the other end.
void FillMissingEnd(FdInfo& f, const LocalInterfaces& interfaces) {
  FalcoSocket& s = f.sock;
  const uint16_t family = SocketFamilyOf(f);
  const bool no_sip = IsZero(family, s.sip), no_dip = IsZero(family, s.dip);
  if (!no_sip && !no_dip) return;
  if (no_sip) {
    IpBytes guess = interfaces.Infer(family, s.dip);
    if (Same(family, guess, s.dip) && s.sport == s.dport) return;
    s.sip = guess;
  } else {
    IpBytes guess = interfaces.Infer(family, s.sip);
    if (Same(family, guess, s.sip) && s.sport == s.dport) return;
    s.dip = guess;
  }
}

L4 L4Of(uint64_t type, uint64_t protocol) {
  const bool raw = type == SOCK_RAW;  // the type as passed, flags included (as Falco compares it)
  switch (protocol) {
    case IPPROTO_TCP: return raw ? L4::kRaw : L4::kTcp;
    case IPPROTO_UDP: return raw ? L4::kRaw : L4::kUdp;
    case IPPROTO_ICMP: return raw ? L4::kRaw : L4::kIcmp;
    case IPPROTO_RAW: return L4::kRaw;
    case IPPROTO_IP:
      if ((type & 0xff) == SOCK_STREAM) return L4::kTcp;
      if ((type & 0xff) == SOCK_DGRAM) return L4::kUdp;
      return L4::kUnknown;
    default: return L4::kUnknown;
  }
}

bool IsOutbound(int nr) { return nr == SYS_connect || nr == SYS_sendto || nr == SYS_sendmsg; }

std::string End(uint16_t family, const IpBytes& a, uint16_t port) {
  return FormatIp(family, a) + ":" + std::to_string(port);
}

}  // namespace

std::optional<FalcoTuple> FalcoTupleOf(const Event& e) {
  if (e.kind != EventKind::kSyscall || !e.syscall || !(e.flags & RP_SYSCALL_HAS_TUPLE)) return std::nullopt;
  const SocketTuple& k = e.tuple;
  if (k.family != AF_INET && k.family != AF_INET6) return std::nullopt;
  IpBytes remote = k.remote_addr;
  uint16_t remote_port = k.remote_port;
  if (remote_port == 0 && !(e.flags & RP_SYSCALL_NO_ENTER) && e.syscall->params[0].kind == ParamKind::kSockaddr) {
    // The driver reads the syscall's address as the socket's own family's.
    SockAddr user = ParseSockaddr(e.params[0]);
    if (user.family == k.family) {
      remote = user.addr;
      remote_port = user.port;
    }
  }
  FalcoTuple t;
  t.family = k.family;
  if (IsOutbound(e.syscall->nr)) {
    t.sip = k.local_addr, t.sport = k.local_port, t.dip = remote, t.dport = remote_port;
  } else {
    t.sip = remote, t.sport = remote_port, t.dip = k.local_addr, t.dport = k.local_port;
  }
  if (t.family == AF_INET6 && IsMapped(t.sip) && IsMapped(t.dip)) {
    t.family = AF_INET;
    t.sip = MappedToV4(t.sip);
    t.dip = MappedToV4(t.dip);
  }
  return t;
}

std::string FalcoTupleText(const FalcoTuple& t) {
  return End(t.family, t.sip, t.sport) + "->" + End(t.family, t.dip, t.dport);
}

void ParseSocketCreated(FdInfo& f, uint64_t domain, uint64_t type, uint64_t protocol) {
  f.sock = FalcoSocket{};
  if (domain == AF_INET || domain == AF_INET6) f.sock.l4 = L4Of(type, protocol);
}

void ParseBind(FdInfo& f, const SockAddr& addr) {
  const bool ip = addr.family == AF_INET || addr.family == AF_INET6;
  if (ip && addr.port > 0) {
    FalcoSocket& s = f.sock;
    const bool mapped = addr.family == AF_INET6 && IsMapped(addr.addr);
    f.type = addr.family == AF_INET || mapped ? FdType::kIpv4 : FdType::kIpv6;
    s.bound_server = true;
    s.sip = mapped ? MappedToV4(addr.addr) : addr.addr;
    s.sport = addr.port;
    s.dip = {};
    s.dport = 0;
    s.role = Role::kServer;
  }
  f.name = ip ? End(addr.family, addr.addr, addr.port) : std::string();  // the address as given
}

void ParseConnect(FdInfo& f, const Event& e, const LocalInterfaces& interfaces) {
  std::optional<FalcoTuple> t = FalcoTupleOf(e);
  if (!t) {
    // No tuple from the kernel: the address asked for is the server, and nothing else is
    // known (Falco sets neither a role nor a name then).
    SockAddr asked = ParseSockaddr(e.params[0]);
    if ((asked.family != AF_INET && asked.family != AF_INET6) || (e.flags & RP_SYSCALL_NO_ENTER)) return;
    const bool mapped = asked.family == AF_INET6 && IsMapped(asked.addr);
    TakeFamily(f, mapped ? AF_INET : asked.family);
    f.sock.bound_server = false;
    f.sock.dip = mapped ? MappedToV4(asked.addr) : asked.addr;
    f.sock.dport = asked.port;
    JudgeEnds(f, interfaces, e);
    return;
  }
  TakeFamily(f, t->family);
  const bool changed = SetEnds(f.sock, t->family, *t);
  if (changed && f.sock.role == Role::kServer && f.sock.l4 == L4::kUdp && f.type == FdType::kIpv4)
    Swap(f.sock);  // a UDP server that connects: its own end stays the server
  JudgeEnds(f, interfaces, e);
  f.name = FalcoSocketName(f);
  if (f.sock.role == Role::kNone) f.sock.role = Role::kClient;
}

void ParseAccept(FdInfo& f, const Event& e, const LocalInterfaces& interfaces) {
  std::optional<FalcoTuple> t = FalcoTupleOf(e);
  if (!t) return;
  f.type = t->family == AF_INET6 ? FdType::kIpv6 : FdType::kIpv4;
  f.sock = FalcoSocket{};
  f.sock.l4 = L4::kTcp;
  f.sock.role = Role::kServer;
  f.sock.sip = t->sip, f.sock.sport = t->sport, f.sock.dip = t->dip, f.sock.dport = t->dport;
  JudgeEnds(f, interfaces, e);
  f.name = FalcoTupleText(*t);
}

bool ParseTransfer(FdInfo& f, const Event& e, bool inbound, const FdTable& fds, const LocalInterfaces& interfaces) {
  const bool tcp4 = f.type == FdType::kIpv4 && !f.sock.bound_server && f.sock.l4 == L4::kTcp;
  if (!f.name.empty() && tcp4) return false;
  std::optional<FalcoTuple> t = FalcoTupleOf(e);
  if (!t) return false;
  TakeFamily(f, t->family);
  if (!SetEnds(f.sock, t->family, *t)) return false;
  if (f.sock.l4 == L4::kUnknown) f.sock.l4 = L4::kUdp;  // TCP cannot change its peer
  FillMissingEnd(f, interfaces);
  if (f.sock.role == Role::kNone) f.sock.role = GuessRole(f, fds, inbound);
  if ((inbound && f.sock.role == Role::kClient) || (!inbound && f.sock.role == Role::kServer)) Swap(f.sock);
  JudgeEnds(f, interfaces, e);
  std::string name = FalcoSocketName(f);
  if (name == f.name) return false;
  f.name = std::move(name);
  return true;
}

uint16_t SocketFamilyOf(const FdInfo& f) { return f.type == FdType::kIpv6 ? AF_INET6 : AF_INET; }

L4 ReportedL4(const FdInfo& f) {
  if (f.type != FdType::kIpv4 && f.type != FdType::kIpv6) return L4::kUnknown;
  if (f.sock.bound_server || f.sock.l4 == L4::kRaw || f.sock.role != Role::kNone) return f.sock.l4;
  return L4::kUnknown;
}

std::string FalcoSocketName(const FdInfo& f) {
  const FalcoSocket& s = f.sock;
  const uint16_t family = SocketFamilyOf(f);
  switch (s.l4) {
    case L4::kTcp:
    case L4::kUdp:
      return End(family, s.sip, s.sport) + "->" + End(family, s.dip, s.dport);
    case L4::kIcmp:
      return FormatIp(family, s.sip) + "->" + FormatIp(family, s.dip);
    case L4::kRaw:
      if (family == AF_INET) return FormatIp(family, s.sip) + "->" + FormatIp(family, s.dip);
      return "<unknown>";
    case L4::kUnknown: break;
  }
  return "<unknown>";
}

}  // namespace riposte
