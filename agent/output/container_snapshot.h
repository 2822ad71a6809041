// A container's description (ContainerInfo) as JSON, for the container frames of a capture
// file: a replay of a capture taken by the flight recorder describes the containers as the
// live agent did (container.name, image, labels, pod), without a runtime to ask.
#pragma once

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "state/container_info.h"

namespace riposte {

nlohmann::json ContainerToSnapshot(const ContainerInfo& c);
// An error naming the key that is missing or of the wrong type.
Result<ContainerInfo> ContainerFromSnapshot(const nlohmann::json& j);

}  // namespace riposte
