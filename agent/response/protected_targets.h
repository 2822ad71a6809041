// What no action ever touches: pid 1, the agent itself, kernel threads, and what the
// configuration names (pids, process names, container images, Kubernetes namespaces).
// Every responder asks before it acts, in dry-run too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/protection_config.h"
#include "policy/alert_facts.h"
#include "state/process_info.h"

namespace riposte {

class ProtectedTargets {
 public:
  explicit ProtectedTargets(ProtectionConfig config);
  // Why this process (as /proc shows it now: pid, comm, kernel thread) may not be acted
  // on, or nothing.
  std::optional<std::string> ProcessProtected(const ProcessInfo& process) const;
  // Why the alert's target (its container, namespace, image or process) may not be acted on.
  std::optional<std::string> TargetProtected(const AlertTarget& target) const;

 private:
  ProtectionConfig config_;
  uint32_t self_pid_;
};

}  // namespace riposte
