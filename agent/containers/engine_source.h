// One Docker-API engine (dockerd, or podman's compatible service) as a source of
// container descriptions: it describes a container on request, and a watcher thread
// follows the engine's event stream, telling the directory which containers changed or
// went, and everything it lists again after the stream broke (the engine restarted).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "containers/container_control.h"
#include "containers/docker_api_client.h"
#include "state/container_info.h"

namespace riposte {

struct EngineSourceHooks {
  std::function<void(const std::string& id)> changed;  // created, started, renamed, updated
  std::function<void(const std::string& id)> gone;     // destroyed
  std::function<void(const ContainerInfo& info)> described;  // listed after a reconnect
};

class EngineSource {
 public:
  // `engine`: "docker" or "podman", what container.type says of its containers.
  EngineSource(std::string engine, std::string socket_path);
  ~EngineSource();  // stops the watcher
  EngineSource(const EngineSource&) = delete;
  EngineSource& operator=(const EngineSource&) = delete;

  const std::string& engine() const { return engine_; }
  const std::string& socket_path() const { return client_.socket_path(); }
  ContainerControl& control() { return control_; }

  // Whether the engine answers now (and with which version); negotiates the API version.
  Result<EngineVersion> Probe();
  bool reachable() const { return reachable_.load(); }

  // The container's description: its inspect document and its image's.
  Result<ContainerInfo> Describe(const std::string& id);
  // Every container the engine has: its full id.
  Result<std::vector<std::string>> ListIds();
  // Every container the engine has, described (a container that vanished meanwhile is left out).
  Result<std::vector<ContainerInfo>> DescribeAll();

  // Starts following the event stream (once).
  void Watch(EngineSourceHooks hooks);

 private:
  void WatchLoop();

  std::string engine_;
  DockerApiClient client_;
  EngineApiControl control_;
  EngineSourceHooks hooks_;
  std::atomic<bool> reachable_{false};
  // Image documents by image id: an image does not change under its id, and asking for
  // it again would double each description's cost (podman takes ~30 ms a call).
  std::mutex images_mu_;
  std::map<std::string, nlohmann::json> images_;
  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  HttpStreamCancel cancel_;
  std::thread watcher_;
};

}  // namespace riposte
