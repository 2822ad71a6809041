// What no action may touch, as configured (`protected:` in the configuration file). The
// response side enforces it (response/protected_targets.h); pid 1, the agent itself and
// kernel threads are protected whatever this says.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace riposte {

struct ProtectionConfig {
  std::vector<uint32_t> pids;
  // Globs on the process name (comm). The node's own machinery by default: killing it
  // would take the node down with the threat.
  std::vector<std::string> process_names = {"systemd", "init", "containerd", "containerd-shim*", "runc",
                                            "kubelet", "dockerd", "riposte"};
  std::vector<std::string> images;                        // globs on repository[:tag]
  std::vector<std::string> namespaces = {"kube-system"};  // Kubernetes namespaces (globs)
};

}  // namespace riposte
