// Pods for tests, made the way a kubelet makes them: RunPodSandbox, CreateContainer and
// StartContainer through CRI on the test environment's containerd
// (deploy/testenv/containerd-env.sh), with the kubelet's labels and cgroup layout. The
// pod is stopped and removed when the object goes away.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "containers/cri_client.h"
#include "runtime/v1/cri_runtime_v1.pb.h"

namespace riposte::testing {

// Starts the test containerd (reused when running) and returns its socket.
std::string TestContainerdSocket();

class TestPod {
 public:
  // Runs the sandbox; check ok() (and error()) before use. `host_network`: the pod shares
  // the node's network namespace (hostNetwork: true).
  TestPod(const std::string& socket, const std::string& name, const std::string& k8s_namespace,
          std::map<std::string, std::string> labels, bool host_network = false);
  ~TestPod();
  TestPod(const TestPod&) = delete;
  TestPod& operator=(const TestPod&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& sandbox_id() const { return sandbox_id_; }
  const std::string& uid() const { return uid_; }
  CriClient& cri() { return cri_; }

  // Creates and starts a container running `command` in riposte.local/busybox:1, with
  // `data_dir` (when given) bind-mounted read-write at /data; `interactive`: with stdin
  // and a terminal, as `kubectl run -it` asks. Its id, or "" (and error() says why).
  std::string AddContainer(const std::string& name, const std::vector<std::string>& command,
                           const std::string& data_dir = "", bool interactive = false);

 private:
  CriClient cri_;
  runtime::v1::PodSandboxConfig config_;
  std::string uid_;
  std::string sandbox_id_;
  std::string error_;
  bool host_network_ = false;
};

// Removes a pod's cgroup (PARENT as given to the sandbox: "/kubepods/besteffort/podUID")
// from every cgroup hierarchy, deepest first. The kubelet does this for real pods; without
// it every test pod left an empty cgroup behind (hundreds per suite run).
void RemovePodCgroups(const std::string& cgroup_parent);

}  // namespace riposte::testing
