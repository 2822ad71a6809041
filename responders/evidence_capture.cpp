#include "responders/evidence_capture.h"

#include "common/wall_time.h"
#include "evidence/evidence_files.h"
#include "responders/step_params.h"

namespace riposte {
namespace {

constexpr auto kMaxAfter = std::chrono::minutes(5);
constexpr uint64_t kDefaultMaxBytes = 16ull << 20;
constexpr uint64_t kMaxMaxBytes = 1ull << 30;

}  // namespace

EvidenceCaptureResponder::EvidenceCaptureResponder(FlightRecorder* recorder, std::string evidence_dir)
    : recorder_(recorder), evidence_dir_(std::move(evidence_dir)) {}

Status EvidenceCaptureResponder::ValidateParams(const nlohmann::json& params) const {
  if (auto st = CheckDurationAtMost(params, "before", std::chrono::minutes(10)); !st) return st;
  if (auto st = CheckDurationAtMost(params, "after", kMaxAfter); !st) return st;
  if (auto st = CheckBytes(params, "max_bytes", kMaxMaxBytes); !st) return st;
  if (auto it = params.find("scope"); it != params.end())
    if (!it->is_string() || !CaptureScopeOf(it->get<std::string>()))
      return Error{"scope must be container, pod, process_tree or host, not " + it->dump()};
  return Status::Ok();
}

ActionResult EvidenceCaptureResponder::Run(const ActionRequest& req) {
  ActionResult r;
  const AlertTarget& t = req.alert.target;
  CaptureSpec spec;
  spec.alert_id = req.alert.id;
  spec.policy = std::string(req.policy);
  spec.step = std::string(req.step);
  spec.scope = CaptureScopeOf(req.params.value("scope", "container")).value_or(CaptureScope::kContainer);
  spec.pid = t.pid;
  spec.start_boottime_ns = t.start_boottime_ns;
  spec.container_id = t.container_id;
  spec.pod_uid = t.pod_uid;
  spec.before = DurationParam(req.params, "before", std::chrono::seconds(5));
  spec.after = DurationParam(req.params, "after", std::chrono::seconds(5));
  spec.max_bytes = BytesParam(req.params, "max_bytes", kDefaultMaxBytes);
  spec.dry_run = req.dry_run;
  // One file per capture: the step, and a count that keeps two captures of one alert apart.
  spec.path = EvidencePath(evidence_dir_, req.alert.id,
                           "capture-" + std::string(req.policy) + "-" + std::string(req.step) + "-" +
                               std::to_string(++captures_),
                           ".rcap");
  spec.meta = {{"alert", req.alert.Reference()}};
  r.details["scope_requested"] = std::string(CaptureScopeName(spec.scope));
  r.details["before_ms"] = spec.before.count();
  r.details["after_ms"] = spec.after.count();
  r.details["max_bytes"] = spec.max_bytes;
  if (!recorder_)
    return {Outcome::kFailed, "no flight recorder: captures need the agent's own capture (`riposte run` with evidence.recorder on)",
            r.details};
  if (spec.scope == CaptureScope::kProcessTree && t.pid == 0)
    return {Outcome::kFailed, "scope process_tree needs the alert's process (no proc.pid)", r.details};
  if (spec.before > recorder_->limits().window)
    r.details["before_limited_by_window_ms"] = recorder_->limits().window.count();
  const std::string path = spec.path;
  const CaptureScope requested = spec.scope;
  auto started = recorder_->Request(std::move(spec));
  if (!started) return {Outcome::kFailed, started.error().message, r.details};
  r.details["scope"] = std::string(CaptureScopeName(started->scope));
  if (started->scope != requested)
    r.details["scope_note"] = started->scope == CaptureScope::kProcessTree
                                  ? "a host process: its process tree is captured"
                                  : "not in a pod: its container is captured";
  r.details["container_id"] = started->container_id;
  r.details["events_before"] = started->events_before;
  r.details["bytes_before"] = started->bytes_before;
  r.details["processes"] = started->processes;
  if (started->from_wall_ns) r.details["from"] = FormatRfc3339(started->from_wall_ns);
  r.details["closes_at"] = FormatRfc3339(started->closes_at_wall_ns);
  r.details["path"] = path;
  if (req.dry_run) {
    r.outcome = Outcome::kWouldHave;
    return r;
  }
  r.details["closed_in"] = "an evidence record once the file is written (its sha256, size, events)";
  r.outcome = Outcome::kDone;
  return r;
}

}  // namespace riposte
