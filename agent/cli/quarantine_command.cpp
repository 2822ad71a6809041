// `riposte quarantine list|release`: the quarantines in force on this node, from the
// records network.quarantine keeps (they outlive the agent), each checked against its
// namespace: in force, rules missing (someone deleted the table), or namespace gone.
// `release` lifts one by hand — by record id, container id prefix or pod — and is audited.
#include <cstdio>
#include <variant>

#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "cli/config_loading.h"
#include "daemon/manual_actions.h"
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

int Release(const ReleaseArgs& args, const GlobalOptions& global) {
  auto config = LoadConfigFor(global);
  if (!config) {
    spdlog::error("{}", config.error().message);
    return 2;
  }
  return ReleaseQuarantine(*config, QuarantineReleaseRequest{args.which, args.audit_log});
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
