#include "responders/alert_process.h"

#include "responders/step_params.h"

namespace riposte {

Result<AlertProcess> FindAlertProcess(const AlertFacts& alert, const ProcScanner& scanner) {
  const AlertTarget& t = alert.target;
  if (t.pid == 0) return Error{"the alert names no process (no proc.pid)"};
  auto now = scanner.ReadStat(t.pid);
  if (!now) return Error{"process " + std::to_string(t.pid) + " has exited", ErrorKind::kNotFound};
  if (t.start_boottime_ns) {
    if (!scanner.SameStart(*now, t.start_boottime_ns))
      return Error{"pid " + std::to_string(t.pid) + " is now another process (" + now->comm + ")", ErrorKind::kNotFound};
    return AlertProcess{std::move(*now), "start_time"};
  }
  if (!alert.time_ns) return Error{"the alert has neither the process's start time nor its own time"};
  if (!t.process_name.empty() && now->comm != t.process_name)
    return Error{"pid " + std::to_string(t.pid) + " is now '" + now->comm + "', not '" + t.process_name + "'",
                 ErrorKind::kNotFound};
  if (BootEpochNs() + static_cast<int64_t>(now->start_boottime_ns) > alert.time_ns + 20'000'000)
    return Error{"pid " + std::to_string(t.pid) + " started after the alert: another process", ErrorKind::kNotFound};
  return AlertProcess{std::move(*now), "name_and_start_before_alert"};
}

ActionResult AlertProcessMissing(const Error& error) {
  return {error.kind == ErrorKind::kNotFound ? Outcome::kTargetGone : Outcome::kFailed, error.message, {}};
}

}  // namespace riposte
