// What `run` and `respond` share to answer alerts: what the operator chose (policies,
// mode, audit log); the policies loaded (every message printed, refusal on error); the
// responders, the audit log and the response engine built from the configuration.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "audit/audit_shipper.h"
#include "common/result.h"
#include "config/agent_config.h"
#include "containers/container_directory.h"
#include "evidence/flight_recorder.h"
#include "policy/policy.h"
#include "quarantine/quarantine_store.h"
#include "response/response_engine.h"
#include "responders/responder_registry.h"

namespace riposte {

// The operator's choices, from flags; empty ones fall back to the configuration.
struct ResponseRequest {
  std::vector<std::string> policies;  // files or directories
  bool dry_run = false;
  std::string audit_log;
};

struct Response {
  std::vector<std::string> policy_paths;
  bool force_dry_run = false;
  std::unique_ptr<QuarantineStore> quarantines;  // before the responders that use it
  std::unique_ptr<ResponderRegistry> responders;
  // Before the log: destroyed after it, so their last pass ships its stop and seal records.
  std::vector<std::unique_ptr<AuditShipper>> shippers;
  std::unique_ptr<AuditLog> audit;
  std::unique_ptr<ResponseEngine> engine;
};

// The audit log the configuration names, or `path` when given: the one place its
// options are built (the agent's trail and the manual actions' are the same file).
AuditLogOptions AuditLogOptionsFor(const AgentConfig& config, const std::string& path);

// A shipper for each collector of audit.ship, for the trail at `audit`.
Result<std::vector<std::unique_ptr<AuditShipper>>> StartAuditShipping(const AgentConfig& config,
                                                                      const AuditLogOptions& audit);

// Policies from `paths`, printing every message; an error when any file has errors.
Result<std::shared_ptr<const PolicySet>> LoadPolicySet(const std::vector<std::string>& paths,
                                                       const ActionCatalog& catalog);

// Null when no policies are configured (detection only). The request wins over the
// configuration.
// `containers` (may be null) is what the container responders act through; `recorder`
// (may be null: `respond` has none) what `capture` steps take from.
Result<std::unique_ptr<Response>> SetUpResponse(const ResponseRequest& request, const AgentConfig& config,
                                                ResponseEngine::BreakerHook on_breaker, ContainerDirectory* containers,
                                                FlightRecorder* recorder = nullptr);

// The container directory the configuration asks for (null when containers.enabled is
// false), listed and watching; a containerd that is not there yet is logged, not fatal.
std::unique_ptr<ContainerDirectory> StartContainerDirectory(const AgentConfig& config);
// The runtime sockets and namespaces the configuration names (a directory not started:
// for commands that ask once).
ContainerDirectoryOptions ContainerDirectoryOptionsFor(const AgentConfig& config);

}  // namespace riposte
