// evidence.file: a copy of a file an alert points at, hashed, under the evidence
// directory: by default the alert process's executable (read through /proc/PID/exe, so
// a binary deleted or replaced after it started is still the one copied), or the path in
// an alert field (`field: fd.name`, read in the process's own root, /proc/PID/root).
// `quarantine: true` (opt-in) also makes the original non-executable (its x bits cleared,
// the mode before in the record), Sysdig's file quarantine. The copy's path, SHA-256 and
// size go into the step's audit record; dry-run checks the file and says what it would
// copy. Parameters: field, quarantine, max_bytes (default 256 MiB).
#pragma once

#include <string>

#include "responders/alert_process.h"

namespace riposte {

class EvidenceFileResponder : public ProcEvidenceResponder {
 public:
  explicit EvidenceFileResponder(std::string evidence_dir, std::string proc_root = "/proc");
  std::string_view name() const override { return "evidence.file"; }
  Status ValidateParams(const nlohmann::json& params) const override;
  ActionResult Run(const ActionRequest& request) override;
};

}  // namespace riposte
