#include "state/local_interfaces.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <cstring>
#include <memory>

namespace riposte {
namespace {

bool SameSlash64(const IpBytes& a, const IpBytes& b) { return std::memcmp(a.data(), b.data(), 8) == 0; }

bool SameSubnet4(const InterfaceAddress& i, const IpBytes& a) {
  for (int k = 0; k < 4; ++k)
    if ((i.addr[k] & i.mask[k]) != (a[k] & i.mask[k])) return false;
  return true;
}

bool Equal(uint16_t family, const IpBytes& a, const IpBytes& b) {
  return std::memcmp(a.data(), b.data(), family == AF_INET ? 4 : 16) == 0;
}

bool IsLoopback(const InterfaceAddress& i) {
  static const IpBytes kV4{127, 0, 0, 1};
  static const IpBytes kV6{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return Equal(i.family, i.addr, i.family == AF_INET ? kV4 : kV6);
}

}  // namespace

LocalInterfaces LocalInterfaces::Loopback() {
  InterfaceAddress v4{AF_INET, {127, 0, 0, 1}, {255, 0, 0, 0}};
  InterfaceAddress v6{AF_INET6, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, {}};
  return LocalInterfaces({v4, v6});
}

LocalInterfaces LocalInterfaces::OfThisHost() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return Loopback();
  std::unique_ptr<ifaddrs, decltype(&freeifaddrs)> owned(list, &freeifaddrs);
  std::vector<InterfaceAddress> out;
  for (const ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr) continue;
    InterfaceAddress a;
    a.family = i->ifa_addr->sa_family;
    if (a.family == AF_INET) {
      std::memcpy(a.addr.data(), &reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr, 4);
      if (i->ifa_netmask) std::memcpy(a.mask.data(), &reinterpret_cast<const sockaddr_in*>(i->ifa_netmask)->sin_addr, 4);
    } else if (a.family == AF_INET6) {
      std::memcpy(a.addr.data(), &reinterpret_cast<const sockaddr_in6*>(i->ifa_addr)->sin6_addr, 16);
    } else {
      continue;
    }
    out.push_back(a);
  }
  if (out.empty()) return Loopback();
  return LocalInterfaces(std::move(out));
}

bool LocalInterfaces::Holds(uint16_t family, const IpBytes& addr) const {
  for (const auto& i : addresses_) {
    if (i.family != family) continue;
    if (family == AF_INET ? Equal(family, i.addr, addr) : SameSlash64(i.addr, addr)) return true;
  }
  return false;
}

IpBytes LocalInterfaces::Infer(uint16_t family, const IpBytes& peer) const {
  for (const auto& i : addresses_)
    if (i.family == family && Equal(family, i.addr, peer)) return i.addr;
  for (const auto& i : addresses_)
    if (i.family == family && (family == AF_INET ? SameSubnet4(i, peer) : SameSlash64(i.addr, peer))) return i.addr;
  for (const auto& i : addresses_)
    if (i.family == family && !IsLoopback(i)) return i.addr;
  return {};
}

}  // namespace riposte
