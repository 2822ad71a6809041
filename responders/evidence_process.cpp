#include "responders/evidence_process.h"

#include <chrono>

#include "common/json_text.h"
#include "common/wall_time.h"
#include "evidence/evidence_files.h"
#include "evidence/process_evidence.h"
#include "responders/alert_process.h"

namespace riposte {

EvidenceProcessResponder::EvidenceProcessResponder(std::string evidence_dir, std::string proc_root)
    : ProcEvidenceResponder(std::move(evidence_dir), std::move(proc_root)) {}

Status EvidenceProcessResponder::ValidateParams(const nlohmann::json& params) const {
  if (auto it = params.find("tree"); it != params.end() && !it->is_boolean())
    return Error{"tree must be true or false, not " + it->dump()};
  return Status::Ok();
}

ActionResult EvidenceProcessResponder::Run(const ActionRequest& req) {
  ActionResult r;
  const bool tree = req.params.value("tree", true);
  auto process = FindAlertProcess(req.alert, scanner_);
  if (!process) return AlertProcessMissing(process.error());
  const uint32_t pid = req.alert.target.pid;
  r.details["pid"] = pid;
  r.details["verified_by"] = process->verified_by;
  r.details["collects"] = tree ? "the process, its ancestors and descendants: argv, cwd, exe and its sha256, "
                                 "environment, credentials, namespaces, cgroups, fds and sockets, memory maps"
                               : "the process alone: argv, cwd, exe and its sha256, environment, credentials, "
                                 "namespaces, cgroups, fds and sockets, memory maps";
  const std::string path = EvidencePath(
      evidence_dir_, req.alert.id,
      "process-" + std::to_string(pid) + "-" + std::string(req.policy) + "-" + std::string(req.step), ".json");
  r.details["path"] = path;
  if (req.dry_run) {
    r.outcome = Outcome::kWouldHave;
    return r;
  }
  const ProcessEvidenceLimits limits;
  nlohmann::ordered_json evidence{{"collected", FormatRfc3339(WallNowNs())}, {"alert", req.alert.Reference()}};
  if (tree) {
    evidence["tree"] = DescribeProcessTree(pid, limits, proc_root_);
  } else {
    evidence["tree"] = {{"target", pid}, {"processes", nlohmann::ordered_json::array({DescribeProcess(pid, limits, proc_root_)})}};
  }
  // Read again after the collection: a pid that changed hands meanwhile is said, not hidden.
  if (!FindAlertProcess(req.alert, scanner_)) r.details["note"] = "the process ended during the collection";
  const auto& processes = evidence["tree"]["processes"];
  r.details["processes"] = processes.size();
  size_t fds = 0;
  for (const auto& p : processes)
    if (p.is_object() && p.contains("fds")) fds += p["fds"].size();
  r.details["fds"] = fds;
  auto digest = WriteEvidenceFile(path, JsonText(evidence, 2));
  if (!digest) return {Outcome::kFailed, digest.error().message, r.details};
  r.details["sha256"] = digest->sha256;
  r.details["size"] = digest->size;
  r.outcome = Outcome::kDone;
  return r;
}

}  // namespace riposte
