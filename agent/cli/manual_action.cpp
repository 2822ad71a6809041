#include "cli/manual_action.h"

#include <unistd.h>

#include <cstdlib>

#include "audit/audit_records.h"
#include "daemon/response_setup.h"

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

}  // namespace riposte
