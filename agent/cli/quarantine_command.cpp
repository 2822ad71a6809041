// `riposte quarantine list|release`: the quarantines in force on this node, from the
// records network.quarantine keeps (they outlive the agent), each checked against its
// namespace: in force, rules missing (someone deleted the table), or namespace gone.
// `release` lifts one by hand — by record id, container id prefix or pod — and is audited.
#include <cstdio>
#include <variant>

#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "cli/config_loading.h"
#include "cli/manual_action.h"
#include "quarantine/quarantine_store.h"
#include "responders/network_quarantine.h"

namespace riposte {
namespace {

// The configuration and the recorded quarantines, or the exit code to fail with.
struct Loaded {
  AgentConfig config;
  std::vector<QuarantineRecord> records;
};
std::variant<Loaded, int> LoadRecords(const GlobalOptions& global) {
  auto config = LoadConfigFor(global);
  if (!config) {
    spdlog::error("{}", config.error().message);
    return 2;
  }
  auto records = QuarantineStore(config->quarantine_state).Load();
  if (!records) {
    spdlog::error("{}", records.error().message);
    return 1;
  }
  return Loaded{std::move(*config), std::move(*records)};
}

int List(const GlobalOptions& global) {
  auto loaded = LoadRecords(global);
  if (auto* rc = std::get_if<int>(&loaded)) return *rc;
  const auto& [config, records] = std::get<Loaded>(loaded);
  if (records.empty()) {
    std::printf("no quarantines recorded in %s\n", config.quarantine_state.c_str());
    return 0;
  }
  std::printf("%-22s  %-13s  %-12s  %-20s  %-30s  %-20s  %s\n", "ID", "STATE", "CONTAINER", "NAME", "POD", "BY",
              "SINCE / ALLOW");
  for (const auto& q : records) {
    std::printf("%-22s  %-13s  %-12s  %-20s  %-30s  %-20s  %s %s\n", q.id().c_str(), CheckQuarantine(q).Token().c_str(),
                q.container_id.substr(0, 12).c_str(), q.container_name.substr(0, 20).c_str(),
                q.pod.empty() ? "-" : q.pod.c_str(), q.policy.c_str(), q.since.c_str(), q.allow.dump().c_str());
  }
  return 0;
}

struct ReleaseArgs {
  std::string which;
  std::string audit_log;
};

bool Matches(const QuarantineRecord& q, const std::string& which) {
  if (which == q.id() || which == std::to_string(q.netns_inode)) return true;
  if (which.size() >= 6 && q.container_id.starts_with(which)) return true;
  return !q.pod.empty() && (which == q.pod || q.pod.ends_with("/" + which));
}

int Release(const ReleaseArgs& args, const GlobalOptions& global) {
  auto loaded = LoadRecords(global);
  if (auto* rc = std::get_if<int>(&loaded)) return *rc;
  const auto& [config, records] = std::get<Loaded>(loaded);
  QuarantineStore store(config.quarantine_state);
  std::vector<QuarantineRecord> hits;
  for (const auto& q : records)
    if (Matches(q, args.which)) hits.push_back(q);
  if (hits.empty()) {
    spdlog::error("no quarantine matches '{}' (see `riposte quarantine list`)", args.which);
    return 1;
  }
  if (hits.size() > 1) {
    spdlog::error("'{}' matches {} quarantines; name one by its ID", args.which, hits.size());
    return 1;
  }
  const QuarantineRecord& q = hits[0];
  auto trail = ManualTrail::Open(config, args.audit_log);
  if (!trail) {
    spdlog::error("audit log: {}", trail.error().message);
    return 2;
  }
  auto started = std::chrono::steady_clock::now();
  auto lifted = LiftQuarantine(q.netns_inode, {q.pid});
  std::string outcome = "done", error;
  nlohmann::ordered_json details{{"quarantine", q.id()}, {"netns_inode", q.netns_inode}};
  if (lifted) {
    if (!*lifted) details["note"] = "no quarantine table was in force";
  } else if (lifted.error().kind == ErrorKind::kNotFound) {
    outcome = "target_gone";
    details["note"] = "the namespace no longer exists; the record is cleared";
  } else {
    outcome = "failed";
    error = lifted.error().message;
  }
  if (outcome != "failed") {
    if (Status s = store.Remove(q.netns_inode); !s) {
      outcome = "failed";
      error = "lifted, but the record could not be removed: " + s.error().message;
    }
  }
  auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  nlohmann::ordered_json record{{"action", "network.release"},
                                {"target", {{"container_id", q.container_id}, {"container_name", q.container_name},
                                            {"pod", q.pod}}},
                                {"phase", "result"},
                                {"outcome", outcome}};
  if (!error.empty()) record["error"] = error;
  record["details"] = details;
  record["duration_us"] = took.count();
  auto seq = trail->Append(record);
  if (!seq) {
    spdlog::error("audit log: {}", seq.error().message);
    return 1;
  }
  std::printf("network.release %s: %s%s (%.1f ms, audit seq %llu)\n", q.id().c_str(), outcome.c_str(),
              error.empty() ? "" : (": " + error).c_str(), took.count() / 1000.0,
              static_cast<unsigned long long>(*seq));
  return outcome == "failed" ? 1 : 0;
}

}  // namespace

void RegisterQuarantineCommand(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand("quarantine", "List network quarantines in force on this node; release one (audited)");
  cmd->require_subcommand(1);
  CLI::App* list = cmd->add_subcommand("list", "Every recorded quarantine and whether its rules are still in force");
  list->callback([&global] {
    if (int rc = List(global); rc != 0) throw CLI::RuntimeError(rc);
  });
  auto args = std::make_shared<ReleaseArgs>();
  CLI::App* release = cmd->add_subcommand("release", "Lift a quarantine: delete its nftables table and its record");
  release->add_option("which", args->which, "quarantine ID (netns:N), container id prefix, or pod (namespace/name)")
      ->required();
  release->add_option("--audit-log", args->audit_log,
                      "audit trail to record the release in (default: the configured one; not one a running agent writes)");
  release->callback([args, &global] {
    if (int rc = Release(*args, global); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace riposte
