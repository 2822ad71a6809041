// container.stop ends the alert's container the way `ctr task kill` + wait does: SIGTERM
// to its init process, then, if the task has not stopped within `grace_period` (default
// 10s), SIGKILL to every process. The task is left STOPPED (not deleted), so the runtime
// (or the kubelet) decides what happens next. A paused task is thawed after signalling
// so the signal can land.
#pragma once

#include "responders/container_responder.h"

namespace riposte {

class ContainerStopResponder : public ContainerResponder {
 public:
  using ContainerResponder::ContainerResponder;
  std::string_view name() const override { return "container.stop"; }
  Status ValidateParams(const nlohmann::json& params) const override;

 protected:
  std::string Plan(const nlohmann::json& params) const override;
  void Act(const Target& target, const nlohmann::json& params, ActionResult& result) override;
};

// container.kill sends `signal` (default SIGKILL) to every process of the container;
// for SIGKILL it waits up to `wait` (default 2s) for the task to stop.
class ContainerKillResponder : public ContainerResponder {
 public:
  using ContainerResponder::ContainerResponder;
  std::string_view name() const override { return "container.kill"; }
  Status ValidateParams(const nlohmann::json& params) const override;

 protected:
  std::string Plan(const nlohmann::json& params) const override;
  void Act(const Target& target, const nlohmann::json& params, ActionResult& result) override;
};

}  // namespace riposte
