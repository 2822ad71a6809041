// What no action ever touches: pid 1, the agent itself, kernel threads, and what the
// configuration names (pids, process names, container images, Kubernetes namespaces).
// Every responder asks before it acts, in dry-run too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/protection_config.h"
#include "policy/alert_facts.h"

namespace riposte {

class ProtectedTargets {
 public:
  explicit ProtectedTargets(ProtectionConfig config);
  // Why this process may not be acted on, or nothing. `comm` empty: read from /proc.
  std::optional<std::string> ProcessProtected(uint32_t pid, std::string comm = {}) const;
  // Why the alert's target (its container, namespace, image or process) may not be acted on.
  std::optional<std::string> TargetProtected(const AlertTarget& target) const;
  const ProtectionConfig& config() const { return config_; }

 private:
  ProtectionConfig config_;
  uint32_t self_pid_;
};

// True when `name` matches a glob in `patterns` (fnmatch).
bool MatchesAnyGlob(const std::vector<std::string>& patterns, const std::string& name);

}  // namespace riposte
