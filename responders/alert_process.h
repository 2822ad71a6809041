// The alert's process, if the pid still names it: by its start time when the alert
// carries one (the agent's own alerts), else by its name and having started before the
// alert (Falco's). The evidence steps read /proc only for a process that passes this.
#pragma once

#include <string>

#include "common/result.h"
#include "policy/alert_facts.h"
#include "responders/responder.h"
#include "state/proc_scanner.h"

namespace riposte {

struct AlertProcess {
  ProcessInfo now;          // /proc's stat of it
  std::string verified_by;  // "start_time" or "name_and_start_before_alert"
};

// An error of kind kNotFound when the process is gone or the pid is another process now.
Result<AlertProcess> FindAlertProcess(const AlertFacts& alert, const ProcScanner& scanner);
// FindAlertProcess's error as a step's result: target gone, or failed.
ActionResult AlertProcessMissing(const Error& error);

// What the evidence steps that read the alert's process from /proc share: where they
// write, which /proc they read (another in tests), and the scanner that checks the pid.
class ProcEvidenceResponder : public Responder {
 protected:
  ProcEvidenceResponder(std::string evidence_dir, std::string proc_root)
      : evidence_dir_(std::move(evidence_dir)), proc_root_(proc_root), scanner_(std::move(proc_root)) {}
  std::string evidence_dir_;
  std::string proc_root_;
  ProcScanner scanner_;
};

}  // namespace riposte
