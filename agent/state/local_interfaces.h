// This machine's own addresses, as Falco's network-interface table holds them (read once,
// at start): whether a socket's end is this machine's decides fd.lip/fd.rip and
// fd.is_server, and a tuple's missing end (an unbound UDP socket's 0.0.0.0) is filled
// from them as Falco fills it.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace riposte {

using IpBytes = std::array<uint8_t, 16>;  // IPv4 in the first four bytes, network order

struct InterfaceAddress {
  uint16_t family = 0;  // AF_INET or AF_INET6
  IpBytes addr{};
  IpBytes mask{};  // IPv4 only
};

class LocalInterfaces {
 public:
  // 127.0.0.1/8 and ::1: what every Linux host has (the default, and a replay's).
  static LocalInterfaces Loopback();
  // The host's addresses now (getifaddrs), loopback included; Loopback() if that fails.
  static LocalInterfaces OfThisHost();

  LocalInterfaces() = default;
  explicit LocalInterfaces(std::vector<InterfaceAddress> addresses) : addresses_(std::move(addresses)) {}

  // An IPv4 address is an interface's address; an IPv6 one shares an interface's first 64
  // bits (Falco's test for both).
  bool Holds(uint16_t family, const IpBytes& addr) const;
  // Falco's guess at the local address toward `peer`: the interface with that address,
  // else one on its subnet (IPv6: its /64), else the first that is not loopback, else 0.
  IpBytes Infer(uint16_t family, const IpBytes& peer) const;

  const std::vector<InterfaceAddress>& addresses() const { return addresses_; }

 private:
  std::vector<InterfaceAddress> addresses_;
};

}  // namespace riposte
