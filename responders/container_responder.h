// What the container responders (container.pause, .resume, .stop, .kill, pod.stop)
// share: finding the alert's container (containerd, dockerd or podman), choosing who acts
// on it (its engine; containerd for a Docker container whose dockerd is down, said in the
// result), refusing the agent's own
// container, reporting a container that is gone as "target gone" (not an error), retrying
// while containerd is down (100 ms doubling, about 1.5 s in all) and then failing with
// the error. Dry-run walks the same path up to the one call that would change the task.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "containers/container_directory.h"
#include "responders/responder.h"

namespace riposte {

// Runs `call` until it succeeds, fails for a reason other than the runtime being
// unavailable, or the retries are spent; `attempts` counts the calls made.
Status RetryWhileUnavailable(const std::function<Status()>& call, int* attempts);

class ContainerResponder : public Responder {
 public:
  explicit ContainerResponder(ContainerDirectory& directory);
  ActionResult Run(const ActionRequest& request) final;

 protected:
  struct Target {
    ContainerInfo info;
    TaskState task;
    ContainerControl* control = nullptr;  // who acts on it
    std::string policy;    // who asks: the policy's name, or "manual"
    std::string alert_id;
    const AlertFacts* alert = nullptr;  // the alert being answered (valid during Act)
  };
  // Whether the action applies to a task in this state; a result to report if not.
  virtual std::optional<ActionResult> NotApplicable(const Target& target) const;
  // What the action would do, for dry-run details ("pause the task", ...).
  virtual std::string Plan(const nlohmann::json& params) const = 0;
  // Acts; `result.details` already holds the target.
  virtual void Act(const Target& target, const nlohmann::json& params, ActionResult& result) = 0;

  // The task's status once it settles on `want` (polling every 10 ms up to `wait`).
  Result<TaskState> WaitForStatus(const Target& target, TaskStatus want, std::chrono::milliseconds wait);
  // Calls `change` (retrying while containerd is down), waits up to `wait` for the task
  // to reach `want`, and fills the result: done, target gone, or failed with the reason.
  void ChangeAndVerify(const std::function<Status()>& change, const Target& target, TaskStatus want,
                       std::chrono::milliseconds wait, ActionResult& result);

  ContainerDirectory& directory_;

 private:
  std::string own_container_id_;  // the agent's own container, never acted on
};

}  // namespace riposte
