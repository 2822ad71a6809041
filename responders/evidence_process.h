// evidence.process: the alert's process tree as /proc shows it, before any kill: for the
// process, its ancestors and its descendants, argv, cwd, executable path and SHA-256,
// environment, credentials, namespaces, cgroups, open fds (sockets with their addresses)
// and memory maps (evidence/process_evidence.h), written as one JSON file under the
// evidence directory; its path, SHA-256 and size are in the step's audit record.
// Parameters: tree (default true; false: the process alone). Dry-run checks the process
// and says what it would collect.
#pragma once

#include <string>

#include "responders/alert_process.h"

namespace riposte {

class EvidenceProcessResponder : public ProcEvidenceResponder {
 public:
  explicit EvidenceProcessResponder(std::string evidence_dir, std::string proc_root = "/proc");
  std::string_view name() const override { return "evidence.process"; }
  Status ValidateParams(const nlohmann::json& params) const override;
  ActionResult Run(const ActionRequest& request) override;
};

}  // namespace riposte
