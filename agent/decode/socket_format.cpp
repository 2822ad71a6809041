#include "decode/socket_format.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>

namespace riposte {

SockAddr ParseSockaddr(std::string_view raw) {
  SockAddr out;
  if (raw.size() < sizeof(sa_family_t)) return out;
  sa_family_t family;
  std::memcpy(&family, raw.data(), sizeof(family));
  if (family == AF_INET && raw.size() >= sizeof(sockaddr_in)) {
    sockaddr_in in;
    std::memcpy(&in, raw.data(), sizeof(in));
    out.family = AF_INET;
    std::memcpy(out.addr.data(), &in.sin_addr, 4);
    out.port = ntohs(in.sin_port);
  } else if (family == AF_INET6 && raw.size() >= sizeof(sockaddr_in6)) {
    sockaddr_in6 in6;
    std::memcpy(&in6, raw.data(), sizeof(in6));
    out.family = AF_INET6;
    std::memcpy(out.addr.data(), &in6.sin6_addr, 16);
    out.port = ntohs(in6.sin6_port);
  } else if (family == AF_UNIX) {
    out.family = AF_UNIX;
    std::string_view path = raw.substr(offsetof(sockaddr_un, sun_path));
    if (!path.empty() && path.front() == '\0') {
      out.abstract = true;
      out.unix_path = std::string(path.substr(1));
      while (!out.unix_path.empty() && out.unix_path.back() == '\0') out.unix_path.pop_back();
    } else {
      out.unix_path = std::string(path.substr(0, path.find('\0')));
    }
  }
  return out;
}

std::string FormatIp(uint16_t family, const std::array<uint8_t, 16>& addr) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family == AF_INET) {
    inet_ntop(AF_INET, addr.data(), buf, sizeof(buf));
  } else if (family == AF_INET6) {
    inet_ntop(AF_INET6, addr.data(), buf, sizeof(buf));
  } else {
    return {};
  }
  return buf;
}

std::string FormatTupleName(const SocketTuple& t) {
  if (t.family != AF_INET && t.family != AF_INET6) return {};
  std::string s = FormatIp(t.family, t.local_addr);
  s += ':';
  s += std::to_string(t.local_port);
  s += "->";
  s += FormatIp(t.family, t.remote_addr);
  s += ':';
  s += std::to_string(t.remote_port);
  return s;
}

}  // namespace riposte
