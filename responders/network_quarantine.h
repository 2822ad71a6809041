// network.quarantine cuts the alert's container off the network — its whole network
// namespace, which a pod's containers share — in and out, established connections
// included, except loopback and the peers on the allow list. An nftables table inside
// the namespace does it (entered through /proc/PID/ns/net with libnftables): that works
// the same on cgroup v1 and v2, needs nothing on the host's own rules, and drops packets
// of existing flows as surely as new ones. The quarantine is recorded on disk (the
// QuarantineStore) so it survives the agent; network.release lifts it exactly (deletes
// the one table and the record).
//   params: allow: [CIDR | {cidr, ports: [N...], protocol: tcp|udp|any}]
#pragma once

#include "quarantine/nft_ruleset.h"
#include "quarantine/quarantine_store.h"
#include "responders/container_responder.h"

namespace riposte {

class NetworkQuarantineResponder : public ContainerResponder {
 public:
  NetworkQuarantineResponder(ContainerDirectory& directory, QuarantineStore& store);
  std::string_view name() const override { return "network.quarantine"; }
  Status ValidateParams(const nlohmann::json& params) const override;

 protected:
  std::optional<ActionResult> NotApplicable(const Target& target) const override;
  std::string Plan(const nlohmann::json& params) const override;
  void Act(const Target& target, const nlohmann::json& params, ActionResult& result) override;

 private:
  QuarantineStore& store_;
};

// network.release lifts the quarantine of the alert's container's network namespace.
class NetworkReleaseResponder : public ContainerResponder {
 public:
  NetworkReleaseResponder(ContainerDirectory& directory, QuarantineStore& store);
  std::string_view name() const override { return "network.release"; }
  Status ValidateParams(const nlohmann::json& params) const override;

 protected:
  std::string Plan(const nlohmann::json&) const override { return "delete the quarantine table in the container's network namespace"; }
  void Act(const Target& target, const nlohmann::json& params, ActionResult& result) override;

 private:
  QuarantineStore& store_;
};

// Applies and lifts quarantines by namespace; shared by the responders and
// `riposte quarantine release`, which may run after the container is gone.
Status ApplyQuarantine(uint64_t netns_inode, const std::vector<pid_t>& hint_pids, const std::vector<AllowedPeer>& allow);
// Done when the table was deleted or was not there; NotFound when the namespace is gone.
Result<bool> LiftQuarantine(uint64_t netns_inode, const std::vector<pid_t>& hint_pids);
// Whether the namespace still holds the quarantine table (NotFound: namespace gone).
Result<bool> QuarantineInForce(uint64_t netns_inode, const std::vector<pid_t>& hint_pids);
// A recorded quarantine checked against its namespace.
struct QuarantineState {
  enum class Kind { kInForce, kRulesMissing, kNetnsGone, kUnknown } kind;
  std::string why;  // kUnknown: the error
  // As `quarantine list` shows it: in-force, rules-missing (the table was deleted),
  // netns-gone, unknown: WHY.
  std::string Token() const;
  // As the start-up log says it, with what an operator can do about it.
  std::string Advice() const;
};
QuarantineState CheckQuarantine(const QuarantineRecord& record);

}  // namespace riposte
