// How Falco's parser changes an IP socket's fd, one function per syscall it parses, so that
// riposte's FdInfo::sock is Falco's view of the socket (see FalcoSocket). Read from
// falcosecurity/libs (userspace/libsinsp/parsers.cpp, fdinfo.cpp, ifinfo.cpp, utils.cpp)
// and written as riposte's own; its quirks are kept where users can see them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "decode/event.h"
#include "decode/socket_format.h"
#include "state/fd_info.h"
#include "state/fd_table.h"
#include "state/local_interfaces.h"

namespace riposte {

// The tuple Falco's driver reports for a socket event, oriented by the event's direction:
// connect and send* from this end (the kernel's local end first), accept and recv* toward
// it (the peer first); the peer is the syscall's own address when the kernel has none (an
// unconnected UDP socket). IPv4-mapped IPv6 ends are IPv4. Nothing without an IP tuple.
struct FalcoTuple {
  uint16_t family = 0;
  IpBytes sip{}, dip{};
  uint16_t sport = 0, dport = 0;
};
std::optional<FalcoTuple> FalcoTupleOf(const Event& e);
// "127.0.0.1:40000->127.0.0.1:80", "::1:40000->::1:80" (evt.arg.tuple, an accepted fd's name).
std::string FalcoTupleText(const FalcoTuple& t);

// socket(): the protocol from the type and protocol as Falco derives it; no role, no name.
void ParseSocketCreated(FdInfo& f, uint64_t domain, uint64_t type, uint64_t protocol);
// A successful bind(): bound to a port, the socket becomes a server socket holding its own
// address; its name becomes the address, as the process gave it.
void ParseBind(FdInfo& f, const SockAddr& addr);
// A connect that succeeded or is in progress: the tuple from this end, a client unless it
// was bound; named "sip:sport->dip:dport".
void ParseConnect(FdInfo& f, const Event& e, const LocalInterfaces& interfaces);
// The fd accept() made: the tuple from the peer, a server, TCP.
void ParseAccept(FdInfo& f, const Event& e, const LocalInterfaces& interfaces);
// A successful send*/recv*: an fd without a name, or that is not a connected TCP IPv4
// socket, takes the event's tuple; a socket without a role gets one guessed from the
// process' other sockets (`fds`), and the tuple is turned to read client -> server.
// Returns whether the fd's name changed.
bool ParseTransfer(FdInfo& f, const Event& e, bool inbound, const FdTable& fds, const LocalInterfaces& interfaces);

// AF_INET or AF_INET6, by the fd's type (an IP socket's).
uint16_t SocketFamilyOf(const FdInfo& f);
// The protocol Falco reports for an fd (fd.l4proto, the letter in "<4t>"): a bound server
// socket's, a raw socket's, a tuple's once the process plays a role in it; kUnknown for
// any other fd.
FalcoSocket::L4 ReportedL4(const FdInfo& f);

// The name Falco gives an IP socket from its tuple: "sip:sport->dip:dport", "sip->dip" for
// ICMP and raw sockets, "<unknown>" when the protocol is unknown.
std::string FalcoSocketName(const FdInfo& f);

}  // namespace riposte
