// Turns what a Docker-API engine (dockerd, podman's compatible service) says about a
// container (its inspect document, and its image's) into the ContainerInfo rules and
// responders read, field for field as Falco's container plugin reads the same documents.
// Pure functions: no engine is asked here.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "containers/containerd_client.h"
#include "state/container_info.h"

namespace riposte {

// `image` is the image's inspect document, or null when the engine could not say.
ContainerInfo DescribeEngineContainer(const nlohmann::json& inspect, const nlohmann::json& image, std::string_view engine);

// The container's State as a task: its init pid and whether it runs, is paused or has stopped.
TaskState EngineTaskState(const nlohmann::json& inspect);

// "2026-12-02T01:37:45.709448031Z" (RFC 3339, any fraction, Z or an offset) as ns since
// the epoch; 0 when it does not parse or is Go's zero time.
int64_t ParseRfc3339Nanos(std::string_view text);

}  // namespace riposte
