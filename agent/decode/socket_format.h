// Socket addresses: parsing a sockaddr from a record, and printing addresses the way
// Falco prints fd.name ("10.0.0.1:4242->10.0.0.2:80").
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "decode/event.h"

namespace riposte {

struct SockAddr {
  uint16_t family = 0;  // 0: could not parse
  std::array<uint8_t, 16> addr{};
  uint16_t port = 0;      // host byte order
  // AF_UNIX: the path, or an abstract name without its leading NUL, as Falco names both
  // ("cf-abstract", no '@'); `abstract` tells them apart.
  std::string unix_path;
  bool abstract = false;
};

SockAddr ParseSockaddr(std::string_view raw);
std::string FormatIp(uint16_t family, const std::array<uint8_t, 16>& addr);
// "sip:sport->dip:dport" (or a unix path). Empty if the tuple has no family.
std::string FormatTupleName(const SocketTuple& t);

}  // namespace riposte
