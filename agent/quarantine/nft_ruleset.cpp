#include "quarantine/nft_ruleset.h"

#include <arpa/inet.h>

#include <algorithm>

namespace riposte {
namespace {

// Validates "ADDR" or "ADDR/LEN" with inet_pton, so nothing but an address reaches the
// ruleset text.
bool ValidCidr(const std::string& cidr) {
  size_t slash = cidr.find('/');
  std::string addr = cidr.substr(0, slash);
  bool v6 = addr.find(':') != std::string::npos;
  unsigned char buf[16];
  if (inet_pton(v6 ? AF_INET6 : AF_INET, addr.c_str(), buf) != 1) return false;
  if (slash == std::string::npos) return true;
  std::string len = cidr.substr(slash + 1);
  if (len.empty() || len.size() > 3 || !std::all_of(len.begin(), len.end(), ::isdigit)) return false;
  return std::stoi(len) <= (v6 ? 128 : 32);
}

Result<AllowedPeer> ParsePeer(const nlohmann::json& entry, size_t index) {
  const std::string where = "allow[" + std::to_string(index) + "]";
  AllowedPeer peer;
  if (entry.is_string()) {
    peer.cidr = entry.get<std::string>();
  } else if (entry.is_object()) {
    for (const auto& [key, value] : entry.items()) {
      if (key == "cidr") {
        if (!value.is_string()) return Error{where + ".cidr must be text such as 10.96.0.10/32"};
        peer.cidr = value.get<std::string>();
      } else if (key == "ports") {
        if (!value.is_array()) return Error{where + ".ports must be a list of port numbers"};
        for (const auto& p : value) {
          if (!p.is_number_integer() || p.get<int>() < 1 || p.get<int>() > 65535)
            return Error{where + ".ports: " + p.dump() + " is not a port (1-65535)"};
          peer.ports.push_back(p.get<int>());
        }
      } else if (key == "protocol") {
        if (!value.is_string() || (value != "tcp" && value != "udp" && value != "any"))
          return Error{where + ".protocol must be tcp, udp or any"};
        peer.protocol = value.get<std::string>();
      } else {
        return Error{where + ": unknown key '" + key + "' (cidr, ports, protocol)"};
      }
    }
  } else {
    return Error{where + " must be a CIDR or {cidr, ports, protocol}"};
  }
  if (!ValidCidr(peer.cidr)) return Error{where + ": '" + peer.cidr + "' is not an address or CIDR"};
  return peer;
}

std::string PortSet(const std::vector<int>& ports) {
  std::string s = "{ ";
  for (size_t i = 0; i < ports.size(); ++i) s += (i ? ", " : "") + std::to_string(ports[i]);
  return s + " }";
}

// One direction's accept rules for a peer: `addr_dir` is saddr (input) or daddr
// (output); `port_dir` is the peer's side, sport (input) or dport (output).
void PeerRules(const AllowedPeer& peer, const char* addr_dir, const char* port_dir, std::string& out) {
  const std::string family = peer.ipv6() ? "ip6" : "ip";
  const std::string match = "    " + family + " " + addr_dir + " " + peer.cidr;
  if (peer.ports.empty()) {
    if (peer.protocol == "any") out += match + " accept\n";
    else out += match + " meta l4proto " + peer.protocol + " accept\n";
    return;
  }
  for (const char* proto : {"tcp", "udp"}) {
    if (peer.protocol != "any" && peer.protocol != proto) continue;
    out += match + " " + proto + " " + port_dir + " " + PortSet(peer.ports) + " accept\n";
  }
}

}  // namespace

Result<std::vector<AllowedPeer>> ParseAllowList(const nlohmann::json& allow) {
  std::vector<AllowedPeer> out;
  if (allow.is_null()) return out;
  if (!allow.is_array()) return Error{"allow must be a list of CIDRs or {cidr, ports, protocol}"};
  for (size_t i = 0; i < allow.size(); ++i) {
    auto peer = ParsePeer(allow[i], i);
    if (!peer) return peer.error();
    out.push_back(std::move(*peer));
  }
  return out;
}

nlohmann::json AllowListJson(const std::vector<AllowedPeer>& allow) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : allow) {
    nlohmann::json e{{"cidr", p.cidr}};
    if (!p.ports.empty()) e["ports"] = p.ports;
    if (p.protocol != "any") e["protocol"] = p.protocol;
    out.push_back(e);
  }
  return out;
}

std::string QuarantineScript(const std::vector<AllowedPeer>& allow) {
  const std::string table = std::string("inet ") + kQuarantineTable;
  // "add" then "delete" makes the delete safe when no table exists yet; the new table
  // follows in the same transaction.
  std::string s = "add table " + table + "\ndelete table " + table + "\ntable " + table + " {\n";
  // Priority -300 (raw): ahead of conntrack and of any filter chain in the namespace, so
  // established flows are cut as surely as new ones.
  s += "  chain input {\n    type filter hook input priority -300; policy drop;\n    iif \"lo\" accept\n";
  for (const auto& p : allow) PeerRules(p, "saddr", "sport", s);
  s += "  }\n";
  s += "  chain output {\n    type filter hook output priority -300; policy drop;\n    oif \"lo\" accept\n";
  for (const auto& p : allow) PeerRules(p, "daddr", "dport", s);
  s += "  }\n}\n";
  return s;
}

std::string ReleaseScript() {
  const std::string table = std::string("inet ") + kQuarantineTable;
  return "add table " + table + "\ndelete table " + table + "\n";
}

}  // namespace riposte
