// The registry the agent runs with: every responder this build has, and the names of
// the ones still to come (audited as unavailable until they land).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "containers/container_directory.h"
#include "responders/responder_registry.h"

namespace riposte {

// `containers`: the container responders act through it; null leaves them unavailable.
std::unique_ptr<ResponderRegistry> MakeDefaultResponders(const std::vector<std::string>& containerd_namespaces,
                                                         ContainerDirectory* containers);

}  // namespace riposte
