#include "responders/network_quarantine.h"

#include <functional>

#include "common/wall_time.h"
#include "quarantine/netns.h"
#include "quarantine/nft_ruleset.h"
#include "quarantine/nftables.h"

namespace riposte {
namespace {

Status CheckAllow(const nlohmann::json& params) {
  if (!params.is_object()) return Status::Ok();
  for (const auto& [key, value] : params.items()) {
    if (key != "allow") continue;  // the catalogue lets no other through
    if (auto allow = ParseAllowList(value); !allow) return allow.error();
  }
  return Status::Ok();
}

std::vector<AllowedPeer> AllowOf(const nlohmann::json& params) {
  if (!params.is_object() || !params.contains("allow")) return {};
  auto allow = ParseAllowList(params["allow"]);
  return allow ? *allow : std::vector<AllowedPeer>{};
}

// The namespace a new table would land in must not be the node's own.
std::optional<std::string> HostNetns(uint64_t inode) {
  if (auto own = OwnNetnsInode(); own && *own == inode) return "the agent's own network namespace";
  if (auto init = NetnsInode(1); init && *init == inode) return "the node's network namespace (pid 1's)";
  return std::nullopt;
}

// The namespace of the container's first process; a result of target gone when it has
// already exited.
std::optional<uint64_t> TaskNetns(pid_t pid, ActionResult& r) {
  auto inode = NetnsInode(pid);
  if (inode) return *inode;
  r.outcome = Outcome::kTargetGone;
  r.error = inode.error().message;
  return std::nullopt;
}

bool TableExists(Nftables& nft) {
  return nft.Run(std::string("list table inet ") + kQuarantineTable).ok();
}

// Runs `work` with a libnftables context inside the namespace `netns_inode`.
Status WithNftablesIn(uint64_t netns_inode, const std::vector<pid_t>& hint_pids,
                      const std::function<Status(Nftables&)>& work) {
  auto fd = OpenNetns(netns_inode, hint_pids);
  if (!fd) return fd.error();
  return RunInNetns(fd->get(), [&]() -> Status {
    Nftables nft;
    return work(nft);
  });
}

Status RunScript(Nftables& nft, const std::string& script) {
  auto r = nft.Run(script);
  return r ? Status::Ok() : Status(r.error());
}

}  // namespace

Status ApplyQuarantine(uint64_t netns_inode, const std::vector<pid_t>& hint_pids, const std::vector<AllowedPeer>& allow) {
  const std::string script = QuarantineScript(allow);
  return WithNftablesIn(netns_inode, hint_pids, [&](Nftables& nft) { return RunScript(nft, script); });
}

Result<bool> LiftQuarantine(uint64_t netns_inode, const std::vector<pid_t>& hint_pids) {
  bool existed = false;
  Status s = WithNftablesIn(netns_inode, hint_pids, [&](Nftables& nft) {
    existed = TableExists(nft);
    return RunScript(nft, ReleaseScript());
  });
  if (!s) return s.error();
  return existed;
}

Result<bool> QuarantineInForce(uint64_t netns_inode, const std::vector<pid_t>& hint_pids) {
  bool present = false;
  Status s = WithNftablesIn(netns_inode, hint_pids, [&](Nftables& nft) {
    present = TableExists(nft);
    return Status::Ok();
  });
  if (!s) return s.error();
  return present;
}

QuarantineState CheckQuarantine(const QuarantineRecord& q) {
  using Kind = QuarantineState::Kind;
  auto in_force = QuarantineInForce(q.netns_inode, {q.pid});
  if (in_force) return {*in_force ? Kind::kInForce : Kind::kRulesMissing, ""};
  if (in_force.error().kind == ErrorKind::kNotFound) return {Kind::kNetnsGone, ""};
  return {Kind::kUnknown, in_force.error().message};
}

std::string QuarantineState::Token() const {
  switch (kind) {
    case Kind::kInForce: return "in-force";
    case Kind::kRulesMissing: return "rules-missing";
    case Kind::kNetnsGone: return "netns-gone";
    case Kind::kUnknown: break;
  }
  return "unknown: " + why;
}

std::string QuarantineState::Advice() const {
  switch (kind) {
    case Kind::kInForce: return "in force";
    case Kind::kRulesMissing: return "RULES MISSING (re-apply or release)";
    case Kind::kNetnsGone: return "namespace gone (release to clear)";
    case Kind::kUnknown: break;
  }
  return "unknown: " + why;
}

NetworkQuarantineResponder::NetworkQuarantineResponder(ContainerDirectory& directory, QuarantineStore& store)
    : ContainerResponder(directory), store_(store) {}

Status NetworkQuarantineResponder::ValidateParams(const nlohmann::json& params) const {
  return CheckAllow(params);
}

std::optional<ActionResult> NetworkQuarantineResponder::NotApplicable(const Target& t) const {
  if (auto base = ContainerResponder::NotApplicable(t)) return base;
  auto inode = NetnsInode(static_cast<pid_t>(t.task.pid));
  if (!inode) return ActionResult{Outcome::kTargetGone, "the container's init process is gone: " + inode.error().message, {}};
  if (auto host = HostNetns(*inode))
    return ActionResult{Outcome::kSkippedProtected,
                        "the container runs in " + *host + " (host network): a quarantine would cut the node off", {}};
  return std::nullopt;
}

std::string NetworkQuarantineResponder::Plan(const nlohmann::json& params) const {
  auto allow = AllowOf(params);
  return "drop every packet in and out of the container's network namespace" +
         (allow.empty() ? std::string() : " except " + AllowListJson(allow).dump());
}

void NetworkQuarantineResponder::Act(const Target& t, const nlohmann::json& params, ActionResult& r) {
  const pid_t pid = static_cast<pid_t>(t.task.pid);
  auto inode = TaskNetns(pid, r);
  if (!inode) return;
  const auto allow = AllowOf(params);
  r.details["netns_inode"] = *inode;
  r.details["allow"] = AllowListJson(allow);
  r.details["table"] = std::string("inet ") + kQuarantineTable;
  // The record goes first: a quarantine is never in force without one, even if the
  // agent dies between the two steps (a record without a table lists as "rules missing").
  QuarantineRecord rec;
  rec.netns_inode = *inode;
  rec.pid = pid;
  rec.container_id = t.info.id;
  rec.container_name = t.info.name;
  rec.runtime_namespace = t.info.runtime_namespace;
  if (!t.info.pod_name.empty()) rec.pod = t.info.k8s_namespace + "/" + t.info.pod_name;
  rec.allow = AllowListJson(allow);
  rec.since = FormatRfc3339(WallNowNs());
  rec.policy = t.policy;
  rec.alert_id = t.alert_id;
  if (Status s = store_.Put(rec); !s) {
    r.outcome = Outcome::kFailed;
    r.error = "cannot record the quarantine, so it was not applied: " + s.error().message;
    return;
  }
  r.details["record"] = store_.path();
  if (Status s = ApplyQuarantine(*inode, {pid}, allow); !s) {
    (void)store_.Remove(*inode);
    r.outcome = s.error().kind == ErrorKind::kNotFound ? Outcome::kTargetGone : Outcome::kFailed;
    r.error = s.error().message;
    return;
  }
  r.outcome = Outcome::kDone;
}

NetworkReleaseResponder::NetworkReleaseResponder(ContainerDirectory& directory, QuarantineStore& store)
    : ContainerResponder(directory), store_(store) {}

// No parameters: the catalogue refuses any (policy/action_catalog.cpp).
Status NetworkReleaseResponder::ValidateParams(const nlohmann::json&) const { return Status::Ok(); }

void NetworkReleaseResponder::Act(const Target& t, const nlohmann::json&, ActionResult& r) {
  const pid_t pid = static_cast<pid_t>(t.task.pid);
  auto inode = TaskNetns(pid, r);
  if (!inode) return;
  r.details["netns_inode"] = *inode;
  auto lifted = LiftQuarantine(*inode, {pid});
  if (!lifted) {
    r.outcome = lifted.error().kind == ErrorKind::kNotFound ? Outcome::kTargetGone : Outcome::kFailed;
    r.error = lifted.error().message;
    return;
  }
  if (!*lifted) r.details["note"] = "no quarantine was in force";
  if (Status s = store_.Remove(*inode); !s) {
    r.outcome = Outcome::kFailed;
    r.error = "the rules are lifted but the record could not be removed: " + s.error().message;
    return;
  }
  r.outcome = Outcome::kDone;
}

}  // namespace riposte
