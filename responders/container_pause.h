// container.pause freezes every process of the alert's container (containerd pauses the
// task through the cgroup freezer): the workload stops where it is, memory and open
// files intact for investigation, until container.resume (or `ctr task resume`). No
// parameters. A task already paused is reported done.
#pragma once

#include "responders/container_responder.h"

namespace riposte {

class ContainerPauseResponder : public ContainerResponder {
 public:
  using ContainerResponder::ContainerResponder;
  std::string_view name() const override { return "container.pause"; }
  Status ValidateParams(const nlohmann::json& params) const override;

 protected:
  std::optional<ActionResult> NotApplicable(const Target& target) const override;
  std::string Plan(const nlohmann::json&) const override { return "pause the container's task (freeze every process)"; }
  void Act(const Target& target, const nlohmann::json& params, ActionResult& result) override;
};

// container.resume thaws a paused container. No parameters; a running task is reported done.
class ContainerResumeResponder : public ContainerResponder {
 public:
  using ContainerResponder::ContainerResponder;
  std::string_view name() const override { return "container.resume"; }
  Status ValidateParams(const nlohmann::json& params) const override;

 protected:
  std::optional<ActionResult> NotApplicable(const Target& target) const override;
  std::string Plan(const nlohmann::json&) const override { return "resume the container's paused task"; }
  void Act(const Target& target, const nlohmann::json& params, ActionResult& result) override;
};

}  // namespace riposte
