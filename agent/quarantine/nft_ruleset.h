// The nftables ruleset that quarantines a network namespace: every packet in and out is
// dropped — existing connections included, since nothing here looks at connection state
// — except loopback and the peers on the allow list. Text for `nft -f` / libnftables,
// applied as one transaction inside the workload's namespace. Pure functions.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace riposte {

// The one table riposte owns in a quarantined namespace.
inline constexpr const char* kQuarantineTable = "riposte_quarantine";

// A peer the workload may still talk to: a CIDR, optionally only on some of the peer's
// ports (e.g. DNS: the cluster resolver, udp and tcp 53).
struct AllowedPeer {
  std::string cidr;            // "10.96.0.10/32", "fd00::/8"; a bare address means /32 or /128
  std::vector<int> ports;      // the peer's ports; empty: every port
  std::string protocol = "any";  // tcp | udp | any (with ports: tcp and udp)
  bool ipv6() const { return cidr.find(':') != std::string::npos; }
};

// From a policy's `allow:` parameter: [{cidr: 10.96.0.10/32, ports: [53], protocol: udp}]
// or plain CIDR strings. An error names the entry and what is wrong with it.
Result<std::vector<AllowedPeer>> ParseAllowList(const nlohmann::json& allow);
nlohmann::json AllowListJson(const std::vector<AllowedPeer>& allow);

// Replaces any earlier quarantine table in one transaction (so re-quarantining with a
// new allow list never opens a gap).
std::string QuarantineScript(const std::vector<AllowedPeer>& allow);
std::string ReleaseScript();

}  // namespace riposte
