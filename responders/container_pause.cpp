#include "responders/container_pause.h"

namespace riposte {
namespace {

Status NoParams(std::string_view action, const nlohmann::json& params) {
  if (params.is_object() && !params.empty())
    return Error{std::string(action) + " takes no parameters, not '" + params.begin().key() + "'"};
  return Status::Ok();
}

}  // namespace

Status ContainerPauseResponder::ValidateParams(const nlohmann::json& params) const { return NoParams(name(), params); }

std::optional<ActionResult> ContainerPauseResponder::NotApplicable(const Target& t) const {
  if (t.task.status == TaskStatus::kPaused) return ActionResult{Outcome::kDone, "", {{"note", "already paused"}}};
  return ContainerResponder::NotApplicable(t);
}

void ContainerPauseResponder::Act(const Target& t, const nlohmann::json&, ActionResult& r) {
  const ContainerInfo& c = t.info;
  ChangeAndVerify([&] { return directory_.containerd().PauseTask(c.runtime_namespace, c.id); }, c,
                  TaskStatus::kPaused, std::chrono::seconds(2), r);
}

Status ContainerResumeResponder::ValidateParams(const nlohmann::json& params) const { return NoParams(name(), params); }

std::optional<ActionResult> ContainerResumeResponder::NotApplicable(const Target& t) const {
  if (t.task.status == TaskStatus::kRunning) return ActionResult{Outcome::kDone, "", {{"note", "already running"}}};
  return ContainerResponder::NotApplicable(t);
}

void ContainerResumeResponder::Act(const Target& t, const nlohmann::json&, ActionResult& r) {
  const ContainerInfo& c = t.info;
  ChangeAndVerify([&] { return directory_.containerd().ResumeTask(c.runtime_namespace, c.id); }, c,
                  TaskStatus::kRunning, std::chrono::seconds(2), r);
}

}  // namespace riposte
