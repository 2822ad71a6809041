#include "responders/container_responder.h"

#include <cmath>
#include <thread>

#include "state/container_id.h"
#include "state/proc_scanner.h"

namespace riposte {
namespace {

constexpr int kMaxAttempts = 5;  // waits of 100, 200, 400, 800 ms between them

std::string OwnContainerId(const std::vector<std::string>& namespaces) {
  ProcScanner scanner;
  auto self = scanner.ReadProcess(static_cast<uint32_t>(getpid()));
  if (!self) return "";
  auto ref = ContainerFromCgroup(self->cgroup, namespaces);
  return ref ? ref->id : "";
}

ActionResult Failure(const Error& e, int attempts) {
  ActionResult r;
  r.outcome = e.kind == ErrorKind::kNotFound ? Outcome::kTargetGone : Outcome::kFailed;
  r.error = e.message;
  if (attempts > 1) r.details["attempts"] = attempts;
  return r;
}

}  // namespace

Status RetryWhileUnavailable(const std::function<Status()>& call, int* attempts) {
  auto wait = std::chrono::milliseconds(100);
  for (int i = 1;; ++i) {
    *attempts = i;
    Status s = call();
    if (s || s.error().kind != ErrorKind::kUnavailable || i == kMaxAttempts) return s;
    std::this_thread::sleep_for(wait);
    wait *= 2;
  }
}

ContainerResponder::ContainerResponder(ContainerDirectory& directory)
    : directory_(directory), own_container_id_(OwnContainerId(directory.namespaces())) {}

std::optional<ActionResult> ContainerResponder::NotApplicable(const Target& t) const {
  if (t.task.status == TaskStatus::kStopped)
    return ActionResult{Outcome::kTargetGone, "the container's task has already stopped", {}};
  return std::nullopt;
}

Result<TaskState> ContainerResponder::WaitForStatus(const Target& target, TaskStatus want,
                                                    std::chrono::milliseconds wait) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    auto task = target.control->Task(target.info);
    if (!task || task->status == want || std::chrono::steady_clock::now() >= deadline) return task;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void ContainerResponder::ChangeAndVerify(const std::function<Status()>& change, const Target& target,
                                         TaskStatus want, std::chrono::milliseconds wait, ActionResult& r) {
  int attempts = 0;
  // Where the time goes, in the record: the runtime's call, then its status catching up.
  using Ms = std::chrono::duration<double, std::milli>;
  const auto t0 = std::chrono::steady_clock::now();
  Status s = RetryWhileUnavailable(change, &attempts);
  const auto t1 = std::chrono::steady_clock::now();
  r.details["call_ms"] = std::round(Ms(t1 - t0).count() * 10) / 10;
  if (attempts > 1) r.details["attempts"] = attempts;
  if (!s) {
    r.outcome = s.error().kind == ErrorKind::kNotFound ? Outcome::kTargetGone : Outcome::kFailed;
    r.error = s.error().message;
    return;
  }
  auto after = WaitForStatus(target, want, wait);
  r.details["verify_ms"] = std::round(Ms(std::chrono::steady_clock::now() - t1).count() * 10) / 10;
  if (!after) {
    // A task deleted right after it stopped is what stopping asked for.
    if (want == TaskStatus::kStopped && after.error().kind == ErrorKind::kNotFound) {
      r.outcome = Outcome::kDone;
      r.details["status_after"] = "DELETED";
      return;
    }
    r.outcome = Outcome::kFailed;
    r.error = "the task's status after the call is unknown: " + after.error().message;
    return;
  }
  r.details["status_after"] = std::string(TaskStatusName(after->status));
  if (after->status == want) {
    r.outcome = Outcome::kDone;
  } else {
    r.outcome = Outcome::kFailed;
    r.error = "the task is " + std::string(TaskStatusName(after->status)) + ", not " + std::string(TaskStatusName(want));
  }
}

ActionResult ContainerResponder::Run(const ActionRequest& req) {
  const AlertTarget& t = req.alert.target;
  if (!t.in_container())
    return {Outcome::kFailed, std::string(name()) + " needs a container, and the alert is about a host process", {}};

  int attempts = 0;
  Target target;
  target.policy = std::string(req.policy);
  target.alert_id = req.alert.id;
  target.alert = &req.alert;
  Status found = RetryWhileUnavailable(
      [&]() -> Status {
        auto info = directory_.Describe(t.container_id);
        if (!info) return info.error();
        target.info = std::move(*info);
        return Status::Ok();
      },
      &attempts);
  if (!found) return Failure(found.error(), attempts);
  const ContainerInfo& c = target.info;
  if (!own_container_id_.empty() && c.id == own_container_id_)
    return {Outcome::kSkippedProtected, "the agent's own container", {{"container_id", c.id}}};

  std::string fallback;
  target.control = &directory_.ControlFor(c, &fallback);
  Status task = RetryWhileUnavailable(
      [&]() -> Status {
        auto state = target.control->Task(c);
        if (!state) return state.error();
        target.task = *state;
        return Status::Ok();
      },
      &attempts);
  if (!task) {
    ActionResult r = Failure(task.error(), attempts);
    if (task.error().kind == ErrorKind::kNotFound) r.error = "container " + c.id + " has no task (not running)";
    return r;
  }

  ActionResult result;
  result.details["container_id"] = c.id;
  result.details["container_name"] = c.name;
  result.details["engine"] = std::string(target.control->engine());
  if (!fallback.empty()) result.details["fallback"] = fallback;
  if (!c.runtime_namespace.empty()) result.details["namespace"] = c.runtime_namespace;
  if (!c.image.empty()) result.details["image"] = c.image;
  if (!c.pod_name.empty()) result.details["pod"] = c.k8s_namespace + "/" + c.pod_name;
  result.details["task_pid"] = target.task.pid;
  result.details["status_before"] = std::string(TaskStatusName(target.task.status));
  if (auto skip = NotApplicable(target)) {
    skip->details = result.details;
    return *skip;
  }
  if (req.dry_run) {
    result.outcome = Outcome::kWouldHave;
    result.details["would"] = Plan(req.params);
    return result;
  }
  Act(target, req.params, result);
  return result;
}

}  // namespace riposte
