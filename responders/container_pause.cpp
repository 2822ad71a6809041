#include "responders/container_pause.h"

namespace riposte {
// Pause and resume take no parameters: the catalogue refuses any (policy/action_catalog.cpp).
Status ContainerPauseResponder::ValidateParams(const nlohmann::json&) const { return Status::Ok(); }

std::optional<ActionResult> ContainerPauseResponder::NotApplicable(const Target& t) const {
  if (t.task.status == TaskStatus::kPaused) return ActionResult{Outcome::kDone, "", {{"note", "already paused"}}};
  return ContainerResponder::NotApplicable(t);
}

void ContainerPauseResponder::Act(const Target& t, const nlohmann::json&, ActionResult& r) {
  ChangeAndVerify([&] { return t.control->Pause(t.info); }, t, TaskStatus::kPaused, std::chrono::seconds(2), r);
}

Status ContainerResumeResponder::ValidateParams(const nlohmann::json&) const { return Status::Ok(); }

std::optional<ActionResult> ContainerResumeResponder::NotApplicable(const Target& t) const {
  if (t.task.status == TaskStatus::kRunning) return ActionResult{Outcome::kDone, "", {{"note", "already running"}}};
  return ContainerResponder::NotApplicable(t);
}

void ContainerResumeResponder::Act(const Target& t, const nlohmann::json&, ActionResult& r) {
  ChangeAndVerify([&] { return t.control->Resume(t.info); }, t, TaskStatus::kRunning, std::chrono::seconds(2), r);
}

}  // namespace riposte
