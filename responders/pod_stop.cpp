#include "responders/pod_stop.h"

#include <future>

#include "common/duration_text.h"

namespace riposte {
namespace {

int64_t GraceSeconds(const nlohmann::json& params) {
  if (!params.is_object() || !params.contains("grace_period")) return 10;
  const auto& v = params["grace_period"];
  if (v.is_number()) return static_cast<int64_t>(v.get<double>());
  auto d = ParseDuration(v.get<std::string>());
  return d ? std::chrono::duration_cast<std::chrono::seconds>(*d).count() : 10;
}

}  // namespace

Status PodStopResponder::ValidateParams(const nlohmann::json& params) const {
  for (const auto& [key, value] : params.items()) {
    if (key != "grace_period") continue;  // the catalogue lets no other through
    bool ok = (value.is_number() && value.get<double>() >= 0) ||
              (value.is_string() && ParseDuration(value.get<std::string>()));
    if (!ok) return Error{"grace_period must be a duration (\"10s\") or a number of seconds, not " + value.dump()};
  }
  return Status::Ok();
}

std::optional<ActionResult> PodStopResponder::NotApplicable(const Target& t) const {
  // The alerting container may already have stopped; the rest of its pod is the target.
  if (t.info.sandbox_id.empty())
    return ActionResult{Outcome::kFailed, "container " + t.info.id + " is not part of a Kubernetes pod (no CRI sandbox)", {}};
  return std::nullopt;
}

std::string PodStopResponder::Plan(const nlohmann::json& params) const {
  return "stop every container of the pod through CRI, grace period " + std::to_string(GraceSeconds(params)) + " s";
}

void PodStopResponder::Act(const Target& t, const nlohmann::json& params, ActionResult& r) {
  CriClient& cri = directory_.cri();
  const int64_t grace = GraceSeconds(params);
  r.details["sandbox_id"] = t.info.sandbox_id;
  r.details["grace_period_s"] = grace;
  std::vector<CriContainerRecord> containers;
  int attempts = 0;
  Status listed = RetryWhileUnavailable(
      [&]() -> Status {
        auto all = cri.ListContainers(t.info.sandbox_id);
        if (!all) return all.error();
        containers = std::move(*all);
        return Status::Ok();
      },
      &attempts);
  if (!listed) {
    r.outcome = listed.error().kind == ErrorKind::kNotFound ? Outcome::kTargetGone : Outcome::kFailed;
    r.error = listed.error().message;
    return;
  }
  // The kubelet stops a pod's containers concurrently; so does riposte.
  std::vector<std::pair<std::string, std::future<Status>>> stops;
  for (const auto& c : containers) {
    if (c.state == "CONTAINER_EXITED") continue;
    stops.emplace_back(c.name, std::async(std::launch::async, [&cri, id = c.id, grace] {
                         int n = 0;
                         return RetryWhileUnavailable([&] { return cri.StopContainer(id, grace); }, &n);
                       }));
  }
  nlohmann::ordered_json stopped = nlohmann::ordered_json::array();
  std::string errors;
  for (auto& [name, f] : stops) {
    Status s = f.get();
    if (s) stopped.push_back(name);
    else errors += (errors.empty() ? "" : "; ") + name + ": " + s.error().message;
  }
  r.details["stopped"] = stopped;
  if (stops.empty()) {
    r.outcome = Outcome::kTargetGone;
    r.error = "no running container is left in the pod";
  } else if (errors.empty()) {
    r.outcome = Outcome::kDone;
  } else {
    r.outcome = Outcome::kFailed;
    r.error = errors;
  }
}

}  // namespace riposte
