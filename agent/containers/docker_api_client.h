// The Docker Engine API (HTTP/JSON on a unix socket), as dockerd and podman's
// Docker-compatible service serve it: the containers, their images, the actions riposte
// takes on them, and the event stream that keeps the agent's table current. The API
// version is negotiated: the engine's own, capped at the newest riposte speaks.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "containers/unix_http_client.h"

namespace riposte {

struct EngineVersion {
  std::string product;      // "Docker Engine", "Podman Engine"
  std::string version;      // the engine's own version
  std::string api_version;  // the one riposte uses with it
};

// One event of the stream: a container's "create", "start", "destroy", ...
struct EngineEvent {
  std::string action;
  std::string container_id;
};

class DockerApiClient {
 public:
  explicit DockerApiClient(std::string socket_path, std::chrono::milliseconds call_timeout = std::chrono::seconds(5));
  const std::string& socket_path() const { return http_.socket_path(); }

  // Asks the engine what it is and which API version to use from now on.
  Result<EngineVersion> Negotiate();
  // Every container, running or not: their full ids.
  Result<std::vector<std::string>> ListIds();
  Result<nlohmann::json> InspectContainer(const std::string& id);
  Result<nlohmann::json> InspectImage(const std::string& id);
  Status Pause(const std::string& id);
  Status Unpause(const std::string& id);
  // SIGTERM, then SIGKILL after `grace`, by the engine; returns once it has stopped.
  Status Stop(const std::string& id, std::chrono::seconds grace);
  // The signal to the container's init process.
  Status Kill(const std::string& id, int signal);

  // Container events until the stream breaks or `cancel` is used; why it ended.
  Status Events(const std::function<void(const EngineEvent&)>& on_event, HttpStreamCancel& cancel);

 private:
  std::string Path(std::string_view rest) const;
  Result<nlohmann::json> GetJson(const std::string& what, std::string_view path);
  Status Post(const std::string& what, std::string_view path, std::chrono::milliseconds timeout);

  UnixHttpClient http_;
  std::chrono::milliseconds call_timeout_;
  mutable std::mutex mu_;
  std::string api_prefix_;  // "/v1.41" once negotiated
};

// Whether `id` can be put in a request path as it is: ids and names only (no '/', '?',
// '%', '..'): a container id from a hostile alert must not steer the request elsewhere.
bool IsSafeContainerRef(std::string_view id);

}  // namespace riposte
