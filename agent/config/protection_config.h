// What no action may touch, as configured (`protected:` in the configuration file). The
// response side enforces it (responders/protected_targets.h); pid 1, the agent itself and
// kernel threads are protected whatever this says.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace riposte {

struct ProtectionConfig {
  std::vector<uint32_t> pids;
  // The node's own machinery, by executable path: killing it would take the node down
  // with the threat. Recognised by the file's identity, never by the process's name
  // (responders/protected_executables.h); paths that do not exist on a node are skipped.
  std::vector<std::string> executables = {
      "/sbin/init",          "/usr/lib/systemd/systemd", "/usr/bin/containerd",
      "/usr/bin/containerd-shim-runc-v2", "/usr/bin/containerd-shim", "/usr/sbin/runc",
      "/usr/bin/runc",       "/usr/bin/kubelet",         "/usr/local/bin/kubelet",
      "/usr/sbin/dockerd",   "/usr/bin/dockerd",         "/usr/bin/conmon",
      "/usr/bin/crio",       "/usr/bin/podman"};
  std::vector<std::string> images;                        // globs on repository[:tag]
  std::vector<std::string> namespaces = {"kube-system"};  // Kubernetes namespaces (globs)
};

}  // namespace riposte
