// Actions an operator runs by hand (`riposte container ...`, `riposte quarantine
// release`) leave the same trail as a policy's: a `kind: action` record with `policy:
// manual` and who ran it, in the audit log the flags or the configuration name. The trail
// is opened before anything is changed, and held until the record is written: a trail
// that cannot be written (a running agent holds it) means nothing is done.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "common/result.h"
#include "config/agent_config.h"

namespace riposte {

class ManualTrail {
 public:
  static Result<ManualTrail> Open(const AgentConfig& config, const std::string& audit_path);
  // `record` behind kind, policy and operator; its sequence number once on disk.
  Result<uint64_t> Append(const nlohmann::ordered_json& record);

 private:
  explicit ManualTrail(std::unique_ptr<AuditLog> log) : log_(std::move(log)) {}
  std::unique_ptr<AuditLog> log_;
};

// $SUDO_USER, $USER, or the uid.
std::string OperatorName();

// `riposte container pause|resume|stop|kill ID`: the action through the same responder a
// policy's step runs (the catalogue checks the parameter names, the responder their
// values), on the container the runtime describes, audited; the outcome printed. The
// process's exit code.
struct ContainerActionRequest {
  std::string action;  // container.pause ...
  std::string id;      // container id or unique prefix
  std::string audit_log;
  nlohmann::json params = nlohmann::json::object();
  bool dry_run = false;
};
int RunContainerAction(const AgentConfig& config, const ContainerActionRequest& request);

// `riposte quarantine release WHICH`: lifts one recorded quarantine (by record id, netns
// inode, container id prefix of 6 or more, or pod), removes its record, audits it.
struct QuarantineReleaseRequest {
  std::string which;
  std::string audit_log;
};
int ReleaseQuarantine(const AgentConfig& config, const QuarantineReleaseRequest& request);

}  // namespace riposte
