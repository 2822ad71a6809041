// What no action ever touches: pid 1, the agent itself, kernel threads, and what the
// configuration names (pids, the node's own executables by identity, container images,
// Kubernetes namespaces). Never a process name: any process can take any name.
// Every responder asks before it acts, in dry-run too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/protection_config.h"
#include "responders/protected_executables.h"
#include "policy/alert_facts.h"
#include "state/process_info.h"

namespace riposte {

class ProtectedTargets {
 public:
  explicit ProtectedTargets(ProtectionConfig config);
  // Why this process (as /proc shows it now: pid, kernel thread, executable) may not be
  // acted on, or nothing.
  std::optional<std::string> ProcessProtected(const ProcessInfo& process) const;
  // Why the alert's target (its container, namespace, image or pid) may not be acted on.
  std::optional<std::string> TargetProtected(const AlertTarget& target) const;
  const ProtectedExecutables& executables() const { return executables_; }

 private:
  ProtectionConfig config_;
  ProtectedExecutables executables_;
  uint32_t self_pid_;
};

}  // namespace riposte
