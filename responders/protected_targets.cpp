#include "responders/protected_targets.h"

#include <unistd.h>

#include <algorithm>

#include "common/glob.h"

namespace riposte {

ProtectedTargets::ProtectedTargets(ProtectionConfig config)
    : config_(std::move(config)), executables_(config_.executables), self_pid_(static_cast<uint32_t>(getpid())) {}

std::optional<std::string> ProtectedTargets::ProcessProtected(const ProcessInfo& p) const {
  if (p.pid == 0) return "no process";
  if (p.pid == 1) return "pid 1 (init) is protected";
  if (p.pid == self_pid_) return "the agent itself is protected";
  if (std::find(config_.pids.begin(), config_.pids.end(), p.pid) != config_.pids.end())
    return "pid " + std::to_string(p.pid) + " is on the protected list";
  if (p.kernel_thread) return "kernel thread '" + p.comm + "' is protected";
  return executables_.Match(p.pid);
}

std::optional<std::string> ProtectedTargets::TargetProtected(const AlertTarget& t) const {
  if (!t.k8s_namespace.empty() && MatchesAnyGlob(config_.namespaces, t.k8s_namespace))
    return "Kubernetes namespace '" + t.k8s_namespace + "' is protected";
  if (!t.container_image.empty() && MatchesAnyGlob(config_.images, t.container_image))
    return "container image '" + t.container_image + "' is protected";
  if (t.pid == 1) return "pid 1 (init) is protected";
  if (t.pid != 0 && t.pid == self_pid_) return "the agent itself is protected";
  if (t.pid != 0 && std::find(config_.pids.begin(), config_.pids.end(), t.pid) != config_.pids.end())
    return "pid " + std::to_string(t.pid) + " is on the protected list";
  return std::nullopt;
}

}  // namespace riposte
