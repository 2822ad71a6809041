#include "policy/action_catalog.h"

#include <algorithm>

namespace riposte {
namespace {

using T = ActionTarget;

// The order is the documentation's (docs/responders.md).
constexpr ActionSpec kActions[] = {
    {"process.kill", T::kProcess, true, true, "send the signal to the process (or its group, or its container's processes)"},
    {"notify", T::kNothing, false, false, "POST the alert to the webhook, or log it"},
    {"container.pause", T::kContainer, true, false, "freeze every process of the container"},
    {"container.resume", T::kContainer, true, false, "thaw the container"},
    {"container.stop", T::kContainer, true, false, "stop the container's task: SIGTERM, SIGKILL after the grace period"},
    {"container.kill", T::kContainer, true, false, "send the signal to every process of the container"},
    {"pod.stop", T::kPod, true, false, "stop every container of the pod through CRI"},
    {"network.quarantine", T::kContainer, true, false, "drop every packet of the workload's network namespace but the allow list"},
    {"network.release", T::kContainer, true, false, "remove the workload's quarantine"},
    {"seccomp.tighten", T::kContainer, true, false, "deny the syscalls to the container (or supervised process) from now on"},
};

}  // namespace

std::string_view ActionTargetName(ActionTarget t) {
  switch (t) {
    case T::kProcess: return "process";
    case T::kContainer: return "container";
    case T::kPod: return "pod";
    case T::kNothing: return "nothing";
  }
  return "nothing";
}

std::span<const ActionSpec> KnownActions() { return kActions; }

const ActionSpec* FindAction(std::string_view name) {
  auto it = std::find_if(std::begin(kActions), std::end(kActions), [&](const ActionSpec& s) { return s.name == name; });
  return it == std::end(kActions) ? nullptr : &*it;
}

}  // namespace riposte
