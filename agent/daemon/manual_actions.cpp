#include "daemon/manual_actions.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <spdlog/spdlog.h>

#include "audit/audit_records.h"
#include "common/host_name.h"
#include "containers/container_directory.h"
#include "daemon/response_setup.h"
#include "quarantine/quarantine_store.h"
#include "responders/default_responders.h"
#include "responders/network_quarantine.h"

namespace riposte {

std::string OperatorName() {
  if (const char* sudo = getenv("SUDO_USER")) return sudo;
  if (const char* user = getenv("USER")) return user;
  return "uid " + std::to_string(getuid());
}

Result<ManualTrail> ManualTrail::Open(const AgentConfig& config, const std::string& audit_path) {
  auto log = AuditLog::Open(AuditLogOptionsFor(config, audit_path));
  if (!log) return Error{log.error().message + " (nothing was done: every action is audited)"};
  return ManualTrail(std::move(*log));
}

Result<uint64_t> ManualTrail::Append(const nlohmann::ordered_json& record) {
  return log_->Append(ToJson(ManualActionRecord{OperatorName(), record}));
}

namespace {

bool Matches(const QuarantineRecord& q, const std::string& which) {
  if (which == q.id() || which == std::to_string(q.netns_inode)) return true;
  if (which.size() >= 6 && q.container_id.starts_with(which)) return true;
  return !q.pod.empty() && (which == q.pod || q.pod.ends_with("/" + which));
}

}  // namespace

int RunContainerAction(const AgentConfig& config, const ContainerActionRequest& args) {
  const std::string& action = args.action;
  const nlohmann::json& params = args.params;

  ContainerDirectory directory(ContainerDirectoryOptionsFor(config));
  directory.AttachEngines();
  QuarantineStore quarantines(config.quarantine_state);
  auto responders = MakeDefaultResponders({config.containerd_namespaces, &directory, &quarantines, config.seccomp_profile_dir,
                                          config.evidence_dir});
  Responder* responder = responders->Get(action);
  if (!responder) {
    spdlog::error("no responder for {}", action);
    return 2;
  }
  if (Status valid = responders->ValidateParams(action, params); !valid) {  // the catalogue's names, the responder's values
    spdlog::error("{}: {}", action, valid.error().message);
    return 2;
  }
  auto trail = ManualTrail::Open(config, args.audit_log);
  if (!trail) {
    spdlog::error("audit log: {}", trail.error().message);
    return 2;
  }

  AlertFacts facts;
  facts.id = "manual-" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  facts.rule = "manual";
  facts.hostname = HostName();
  facts.target.container_id = args.id;
  if (auto info = directory.Describe(args.id)) TargetFromContainer(*info, facts.target);

  nlohmann::ordered_json record{{"action", action}, {"dry_run", args.dry_run}, {"target", TargetJson(facts.target)}};
  if (!params.empty()) record["params"] = params;
  ProtectedTargets protection(config.protection);
  auto started = std::chrono::steady_clock::now();
  ActionResult result = responder->Run({facts, params, args.dry_run, protection, "manual"});
  auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  record["phase"] = "result";
  record["outcome"] = OutcomeName(result.outcome);
  if (!result.error.empty()) record["error"] = result.error;
  if (!result.details.empty()) record["details"] = result.details;
  record["duration_us"] = took.count();
  auto seq = trail->Append(record);
  if (!seq) {
    spdlog::error("audit log: {}", seq.error().message);
    return 1;
  }
  std::printf("%s %s: %s%s (%.1f ms, audit seq %llu)\n", action.c_str(), args.id.c_str(),
              std::string(OutcomeName(result.outcome)).c_str(), result.error.empty() ? "" : (": " + result.error).c_str(),
              took.count() / 1000.0, static_cast<unsigned long long>(*seq));
  return IsSuccess(result.outcome) ? 0 : 1;
}

int ReleaseQuarantine(const AgentConfig& config, const QuarantineReleaseRequest& args) {
  QuarantineStore store(config.quarantine_state);
  auto records = store.Load();
  if (!records) {
    spdlog::error("{}", records.error().message);
    return 1;
  }
  std::vector<QuarantineRecord> hits;
  for (const auto& q : *records)
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

}  // namespace riposte
