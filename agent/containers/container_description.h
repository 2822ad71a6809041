// Turns what containerd says about a container (its record and OCI spec) and what CRI
// says about its pod into the ContainerInfo rules and responders read. Pure functions:
// no runtime is asked here.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "containers/containerd_client.h"
#include "containers/cri_client.h"
#include "state/container_info.h"

namespace riposte {

struct ImageReference {
  std::string repository;  // everything before the tag or digest
  std::string tag;         // "" when the reference has none (or only a digest)
};
// "docker.io/library/busybox:1.36" -> {docker.io/library/busybox, 1.36};
// "localhost:5000/app@sha256:..." -> {localhost:5000/app, ""}.
ImageReference ParseImageReference(std::string_view ref);

// Falco's container plugin leaves out a label whose value is longer than this (its
// label_max_len default); every engine's description does the same.
inline constexpr size_t kLabelMaxLen = 100;

// The label's value, "" when absent.
std::string Label(const std::map<std::string, std::string>& labels, std::string_view key);

// The sandbox (pod) a CRI container belongs to, "" outside Kubernetes.
std::string SandboxIdOf(const ContainerRecord& record);

// `pod`: the pod from CRI when known; otherwise pod identity comes from the kubelet's
// io.kubernetes.* labels on the container and pod labels are left empty.
ContainerInfo DescribeContainer(const ContainerRecord& record, const PodRecord* pod);

}  // namespace riposte
