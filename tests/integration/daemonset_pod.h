// A DaemonSet's pod run the way a kubelet runs it: the pod template translated into CRI
// RunPodSandbox and CreateContainer (host PID, capabilities, seccomp, read-only root,
// mounts, arguments, the kubelet's labels), ConfigMap volumes written out in the
// kubelet's layout (files behind a `..data` symlink), hostPath volumes bound from the
// node. The node here is the test machine, with two differences a test needs: the
// containerd socket is the test environment's, and writable host directories live under
// `node_root` instead of /. Stopped and removed when the object goes away.
#pragma once

#include <map>
#include <string>

#include <yaml-cpp/yaml.h>

#include "containers/cri_client.h"

namespace riposte::testing {

class DaemonSetPod {
 public:
  // `config_maps`: name -> (key -> text), from the rendered manifests.
  DaemonSetPod(const std::string& cri_socket, const YAML::Node& daemonset,
               const std::map<std::string, std::map<std::string, std::string>>& config_maps,
               const std::string& node_root);
  ~DaemonSetPod();
  DaemonSetPod(const DaemonSetPod&) = delete;
  DaemonSetPod& operator=(const DaemonSetPod&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& sandbox_id() const { return sandbox_id_; }
  const std::string& container_id() const { return container_id_; }
  // Where a hostPath volume's path is on this test node.
  std::string NodePath(const std::string& host_path) const;
  CriClient& cri() { return cri_; }
  // A ConfigMap edit as the kubelet delivers it to a running pod (PublishConfigMap).
  void UpdateConfigMap(const std::string& name, const std::map<std::string, std::string>& data);

 private:

  CriClient cri_;
  std::string cri_socket_;
  std::string node_root_;
  std::string sandbox_id_;
  std::string cgroup_parent_;  // removed with the pod
  std::string container_id_;
  std::string error_;
};

}  // namespace riposte::testing
