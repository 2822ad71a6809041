// Finds the container a process belongs to from its cgroup path. Each container runtime
// names the cgroup it creates in its own way; these are the formats of docker, containerd
// (plain and through CRI), cri-o and podman, with both the cgroupfs and the systemd cgroup
// drivers, and the kubelet's kubepods hierarchy.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace riposte {

struct ContainerRef {
  std::string id;       // full id as the runtime knows it
  std::string runtime;  // "docker", "containerd", "cri-o", "podman", "cri"
};

// `containerd_namespaces`: the namespaces in which plain containerd (ctr, nerdctl) puts
// containers under cgroupfs as "/<namespace>/<id>": there the id is whatever the user
// named the container, so only configured namespaces are trusted.
std::optional<ContainerRef> ContainerFromCgroup(std::string_view cgroup_path,
                                                std::span<const std::string> containerd_namespaces);

}  // namespace riposte
