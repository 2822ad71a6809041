// What the agent knows about one open file descriptor of a process.
#pragma once

#include <cstdint>
#include <string>

#include "decode/event.h"
#include "state/local_interfaces.h"

namespace riposte {

// Falco's fd.type values, as Falco names them.
enum class FdType : uint8_t {
  kUnknown, kFile, kDirectory, kIpv4, kIpv6, kUnix, kPipe, kEvent, kSignalfd, kEventpoll,
  kInotify, kTimerfd, kNetlink, kBpf, kUserfaultfd, kIoUring, kMemfd,
  // Falco's fd of no type at all (what its parser adds for a failed memfd_create): "<NA>",
  // typechar '?'. kUnknown is an fd whose kind Falco does not know ("<NA>", 'o').
  kUninitialized,
};

std::string_view FdTypeName(FdType type);
// Falco's one-character form (fd.typechar): f, d, 4, 6, u, p, e, s, l, i, t, n, b, r, m, o, ?.
std::string_view FdTypeChar(FdType type);

// An IP socket as Falco's parser keeps it (libsinsp's parsers.cpp: socket, bind, connect,
// accept, send and receive), which is what fd.cip, fd.sip, fd.lip, fd.is_server, fd.name
// and the rest answer from: users' rules were written against it. It is not the kernel's
// view (FdInfo::tuple keeps that): Falco orients the tuple client -> server, knows which
// end this process plays only once it connects, accepts, binds or guesses from traffic,
// and a socket bound to a port is a "server socket" holding only its own address.
struct FalcoSocket {
  enum class Role : uint8_t { kNone, kClient, kServer };
  enum class L4 : uint8_t { kUnknown, kTcp, kUdp, kIcmp, kRaw };
  Role role = Role::kNone;
  L4 l4 = L4::kUnknown;
  // Bound to a port: `sip` and `sport` are the socket's own address, nothing else holds.
  bool bound_server = false;
  IpBytes sip{}, dip{};  // client, server
  uint16_t sport = 0, dport = 0;
  // Whether each end is this machine's, judged when it was set (LocalInterfaces, or the
  // kernel's own address for this socket).
  bool sip_local = false, dip_local = false;
};

struct FdInfo {
  FdType type = FdType::kUnknown;
  std::string name;    // path, or "sip:sport->dip:dport" for a connected socket
  // The path exactly as the process passed it (fd.nameraw), kept only when it differs
  // from `name` (most paths are passed absolute and normal: no second copy per open).
  std::string name_raw;
  bool name_raw_is_name = false;
  uint32_t open_flags = 0;
  // The file's device (Falco's encoding: 0xFE00 for 254:0) and inode, as the open reported
  // them (or stat of a file found in /proc at start); 0 for everything else.
  uint32_t dev = 0;
  uint64_t ino = 0;
  // The opened file's overlayfs layer, when it is on one (the open reported it).
  bool upper_layer = false;
  bool lower_layer = false;
  SocketTuple tuple;   // sockets only
  // Where the fd came from: true for fds seen created by a syscall, false for those
  // read from /proc at start (whose flags are unknown).
  bool seen_open = false;
  FalcoSocket sock;    // IP sockets only
  // fd.connected, as Falco keeps it: a socket that connected (or is connecting) or was
  // accepted, or an IP socket that has read or written successfully; false otherwise.
  bool connected = false;
  // Not an fd: what a failed open asked for (Falco still names it: fd.name, fd.nameraw,
  // fd.directory; fd.num is -1, fd.type has no value).
  bool failed_open = false;
};

}  // namespace riposte
