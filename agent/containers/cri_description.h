// Turns what a CRI runtime says of a container (its verbose ContainerStatus) and of its
// pod into the ContainerInfo rules and responders read, the way Falco's container plugin
// reads the same answers (its CRI engine): how CRI-O's containers are described, and any
// runtime's that riposte reaches only through its CRI socket. Pure functions: no runtime
// is asked here, and a verbose document of any shape reads as "not said", never throws.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "containers/containerd_client.h"
#include "containers/cri_client.h"
#include "state/container_info.h"

namespace riposte {

// What the runtime's verbose "info" document says that ContainerStatus itself does not.
// containerd and CRI-O both give the pid, the sandbox and the OCI spec; privilege is
// where each keeps it (containerd: the CRI config's security context; CRI-O: top level).
struct CriVerboseInfo {
  uint32_t pid = 0;
  std::string sandbox_id;
  bool privileged = false;
  std::string image_id;  // the image's id without its "sha256:" ("" when not said)
  std::map<std::string, std::string> annotations;  // the OCI spec's
};
CriVerboseInfo ParseCriVerboseInfo(std::string_view json_text);

// container.type for a CRI runtime's name, as Falco's plugin has it: "containerd",
// "cri-o", else "cri".
std::string CriContainerType(std::string_view runtime_name);

ContainerInfo DescribeCriContainer(const CriContainerRecord& status, const PodRecord* pod,
                                   std::string_view runtime_name);
// A pod's sandbox, which CRI describes through its pod, not as a container.
ContainerInfo DescribeCriSandbox(const PodRecord& pod, std::string_view runtime_name);

TaskState CriTaskState(const CriContainerRecord& status);

}  // namespace riposte
