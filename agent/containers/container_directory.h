// The agent's table of containers: filled at start by listing containerd's namespaces and
// every Docker-API engine that answers (dockerd, podman), kept current by their event
// streams (no polling), and asked in the background about any container id the state
// stage meets that it does not know yet. Pods come from CRI. The state stage reads it
// without waiting; responders may wait for an answer, and act through ControlFor.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "containers/container_control.h"
#include "containers/containerd_client.h"
#include "containers/cri_client.h"
#include "containers/engine_source.h"
#include "state/container_info.h"

namespace riposte {

struct ContainerDirectoryOptions {
  std::string containerd_socket = "/run/containerd/containerd.sock";
  std::string cri_socket;  // "" : the containerd socket (containerd serves CRI on it)
  std::vector<std::string> namespaces = {"k8s.io", "default"};
  // Docker-API engines, used when their socket exists at start ("" : not used).
  std::string docker_socket;
  std::string podman_socket;
};

struct ContainerDirectoryCounters {
  uint64_t lookups = 0;         // containers described by the runtime
  uint64_t lookup_failures = 0;
  uint64_t events = 0;          // containerd events received
  uint64_t reconnects = 0;      // event stream re-established
};

class ContainerDirectory : public ContainerCatalog, public ContainerDescriber {
 public:
  explicit ContainerDirectory(ContainerDirectoryOptions options);
  ~ContainerDirectory() override;  // stops the background threads
  ContainerDirectory(const ContainerDirectory&) = delete;
  ContainerDirectory& operator=(const ContainerDirectory&) = delete;

  // Lists every configured namespace (so containers started before the agent are known
  // from their first event) and starts watching. An error when containerd cannot be
  // reached; the directory keeps trying in the background either way.
  Status Start();

  // For a one-shot command (no table, no watching): the configured engines whose sockets
  // exist, so that Describe and ControlFor reach their containers. Start does it too.
  void AttachEngines();

  std::shared_ptr<ContainerEntry> EntryFor(const std::string& id, std::string_view runtime) override;

  // The container with this id or id prefix (Falco's 12-character form), asking the
  // runtime now if the table does not know it. NotFound / Unavailable errors say which.
  Result<ContainerInfo> Describe(const std::string& id_or_prefix) override;

  // Who acts on this container: its engine; for a Docker container whose dockerd does not
  // answer, containerd's "moby" namespace, with `fallback` saying why (else left empty).
  ContainerControl& ControlFor(const ContainerInfo& info, std::string* fallback);

  ContainerdClient& containerd() { return containerd_; }
  const std::vector<std::unique_ptr<EngineSource>>& engines() const { return engines_; }
  CriClient& cri() { return cri_; }
  const std::vector<std::string>& namespaces() const { return options_.namespaces; }
  ContainerDirectoryCounters counters() const;

 private:
  // Asks containerd (and CRI for the pod) and publishes the answer. `pod_missing` is set
  // when the container belongs to a pod CRI does not know yet (it is being created).
  // `runtime`: what the cgroup path says ("docker", "podman", "cri", ...; "" unknown).
  Result<ContainerInfo> Fetch(const std::string& id, const std::string& ns_hint, std::string_view runtime,
                              bool* pod_missing = nullptr);
  Result<ContainerInfo> FetchFromContainerd(const std::string& id, const std::string& ns_hint, bool* pod_missing);
  // Through CRI's ContainerStatus (verbose): CRI-O's containers, and any runtime's when a
  // CRI socket of its own is configured.
  Result<ContainerInfo> FetchFromCri(const std::string& id, bool* pod_missing);
  bool SeparateCriSocket() const;
  std::string CriRuntimeName();  // "containerd", "cri-o" (asked once); "" while CRI does not answer
  void StartEngines();
  std::optional<PodRecord> PodFor(const std::string& sandbox_id);
  void Publish(const ContainerInfo& info);
  Status ListAll();  // the first namespace that could not be listed
  void WatchLoop();
  void FetchLoop();
  // Ends any wait for the description of container `id` (its held events are judged now).
  void GiveUpWaitingFor(const std::string& id);
  void Enqueue(std::string id, std::string ns, std::string runtime, int attempts = 0,
               std::chrono::milliseconds delay = std::chrono::milliseconds(0), bool unless_known = false);

  ContainerDirectoryOptions options_;
  ContainerdClient containerd_;
  ContainerdControl containerd_control_{containerd_};
  CriClient cri_;
  CriControl cri_control_{cri_};
  std::vector<std::unique_ptr<EngineSource>> engines_;

  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<ContainerEntry>> entries_;
  std::unordered_map<std::string, PodRecord> pods_;  // by sandbox id
  std::string cri_runtime_name_;
  ContainerDirectoryCounters counters_;

  std::condition_variable fetch_cv_;
  std::condition_variable stop_cv_;
  struct Pending {
    std::string id, ns, runtime;
    int attempts = 0;
    bool unless_known = false;  // a lookup for the state stage: none needed once described
    std::chrono::steady_clock::time_point not_before;
  };
  std::deque<Pending> pending_;
  bool stop_ = false;
  EventSubscription subscription_;
  std::thread watcher_;
  std::thread fetcher_;
};

}  // namespace riposte
