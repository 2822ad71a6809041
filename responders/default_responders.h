// The registry the agent runs with: every responder this build has, and the names of
// the ones still to come (audited as unavailable until they land).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "containers/container_directory.h"
#include "quarantine/quarantine_store.h"
#include "responders/responder_registry.h"

namespace riposte {

// `containers`: the container responders act through it; null leaves them (and the
// network ones) unavailable. `quarantines`: where network.quarantine records what it did.
std::unique_ptr<ResponderRegistry> MakeDefaultResponders(const std::vector<std::string>& containerd_namespaces,
                                                         ContainerDirectory* containers, QuarantineStore* quarantines);

}  // namespace riposte
