// The kubelet's Container Runtime Interface (runtime.v1) on the runtime's socket: what
// riposte reads about pods (name, namespace, uid, labels) and how it stops a pod's
// containers the way the kubelet would. The tests also create pods through it, exactly
// as a kubelet does (RunPodSandbox, CreateContainer, StartContainer).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace grpc {
class Channel;
}

namespace runtime::v1 {
class PodSandboxConfig;
class ContainerConfig;
}  // namespace runtime::v1

namespace riposte {

struct PodRecord {
  std::string sandbox_id;
  std::string name;
  std::string k8s_namespace;
  std::string uid;
  std::map<std::string, std::string> labels;
  bool ready = false;
  std::string ip;  // the pod's IP (PodSandboxStatus only; empty with the node's network)
};

struct CriMount {
  std::string container_path;
  std::string host_path;
  bool readonly = false;
  std::string propagation;  // "private", "rslave", "rshared"
};

struct CriContainerRecord {
  std::string id;
  std::string sandbox_id;
  std::string name;
  std::string image;
  std::string state;  // CONTAINER_RUNNING, ...
  std::map<std::string, std::string> labels;
  // ContainerStatus only:
  std::string image_ref;  // the image's id or digest reference, as the runtime resolved it
  int64_t created_ns = 0;
  std::vector<CriMount> mounts;
  // The runtime's verbose "info" document (JSON text, runtime-specific: containerd and
  // CRI-O both give the pid, the sandbox id and the OCI spec); "" when not asked for.
  std::string verbose_info;
};

struct CriRuntimeVersion {
  std::string runtime_name;  // "containerd", "cri-o"
  std::string runtime_version;
  std::string api_version;
};

class CriClient {
 public:
  explicit CriClient(std::string socket_path, std::chrono::milliseconds call_timeout = std::chrono::seconds(5));
  ~CriClient();
  const std::string& socket_path() const { return socket_path_; }

  Result<std::string> Version();  // "containerd 1.6.20 (CRI v1)"
  Result<CriRuntimeVersion> RuntimeVersion();
  Result<PodRecord> PodSandboxStatus(const std::string& sandbox_id);
  Result<std::vector<PodRecord>> ListPodSandbox();
  Result<std::vector<CriContainerRecord>> ListContainers(const std::string& sandbox_id = "");
  // With `verbose`, the runtime's info document too (its pid, sandbox, spec).
  Result<CriContainerRecord> ContainerStatus(const std::string& container_id, bool verbose = false);
  // Stops a container: SIGTERM, then SIGKILL after `timeout_s` (0: at once).
  Status StopContainer(const std::string& container_id, int64_t timeout_s,
                       std::chrono::milliseconds call_timeout = std::chrono::seconds(0));

  // What a kubelet does to start a pod; used by the tests and the demo.
  Result<std::string> RunPodSandbox(const runtime::v1::PodSandboxConfig& config);
  Result<std::string> CreateContainer(const std::string& sandbox_id, const runtime::v1::ContainerConfig& config,
                                      const runtime::v1::PodSandboxConfig& sandbox_config);
  Status StartContainer(const std::string& container_id);
  Status RemoveContainer(const std::string& container_id);
  Status StopPodSandbox(const std::string& sandbox_id);
  Status RemovePodSandbox(const std::string& sandbox_id);

 private:
  struct Stub;
  std::string socket_path_;
  std::chrono::milliseconds call_timeout_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
};

}  // namespace riposte
