// pod.stop stops every container of the alert's pod through CRI's StopContainer, as the
// kubelet would (SIGTERM, SIGKILL after `grace_period`, default 10s), all at once. The
// pod's sandbox stays: on Kubernetes the kubelet then applies the pod's restartPolicy,
// so pair it with a policy that also pauses, or use it on pods that do not restart.
#pragma once

#include "responders/container_responder.h"

namespace riposte {

class PodStopResponder : public ContainerResponder {
 public:
  using ContainerResponder::ContainerResponder;
  std::string_view name() const override { return "pod.stop"; }
  Status ValidateParams(const nlohmann::json& params) const override;

 protected:
  std::optional<ActionResult> NotApplicable(const Target& target) const override;
  std::string Plan(const nlohmann::json& params) const override;
  void Act(const Target& target, const nlohmann::json& params, ActionResult& result) override;
};

}  // namespace riposte
