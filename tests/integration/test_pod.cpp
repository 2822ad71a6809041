#include "integration/test_pod.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>

#include "integration/capture_harness.h"

namespace riposte::testing {

std::string TestContainerdSocket() {
  return Shell(SourceDir() + "/deploy/testenv/containerd-env.sh start");
}

TestPod::TestPod(const std::string& socket, const std::string& name, const std::string& k8s_namespace,
                 std::map<std::string, std::string> labels, bool host_network)
    : cri_(socket, std::chrono::seconds(30)), host_network_(host_network) {
  static std::atomic<int> serial{0};
  uid_ = "riposte-test-" + std::to_string(getpid()) + "-" + std::to_string(serial++);
  auto* meta = config_.mutable_metadata();
  meta->set_name(name);
  meta->set_namespace_(k8s_namespace);
  meta->set_uid(uid_);
  meta->set_attempt(0);
  if (!host_network_) config_.set_hostname(name);  // a host-network pod keeps the node's (as the kubelet does)
  const std::string logs = "/run/riposte-testenv/pod-logs/" + uid_;
  std::filesystem::create_directories(logs);
  config_.set_log_directory(logs);
  for (auto& [k, v] : labels) (*config_.mutable_labels())[k] = v;
  // The labels a kubelet adds to every sandbox it creates.
  (*config_.mutable_labels())["io.kubernetes.pod.name"] = name;
  (*config_.mutable_labels())["io.kubernetes.pod.namespace"] = k8s_namespace;
  (*config_.mutable_labels())["io.kubernetes.pod.uid"] = uid_;
  // The kubelet's cgroupfs layout: a pod cgroup below its QoS class.
  config_.mutable_linux()->set_cgroup_parent("/kubepods/besteffort/pod" + uid_);
  if (host_network_)
    config_.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_network(
        runtime::v1::NamespaceMode::NODE);
  auto id = cri_.RunPodSandbox(config_);
  if (!id) {
    error_ = "RunPodSandbox: " + id.error().message;
    return;
  }
  sandbox_id_ = *id;
}

TestPod::~TestPod() {
  if (sandbox_id_.empty()) return;
  (void)cri_.StopPodSandbox(sandbox_id_);
  (void)cri_.RemovePodSandbox(sandbox_id_);
  std::filesystem::remove_all("/run/riposte-testenv/pod-logs/" + uid_);
  RemovePodCgroups("/kubepods/besteffort/pod" + uid_);
}

void RemovePodCgroups(const std::string& cgroup_parent) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const auto& hierarchy : fs::directory_iterator("/sys/fs/cgroup", ec)) {
    const fs::path pod = hierarchy.path() / cgroup_parent.substr(1);
    if (!fs::is_directory(pod, ec)) continue;
    std::vector<fs::path> dirs{pod};
    for (auto it = fs::recursive_directory_iterator(pod, ec); it != fs::recursive_directory_iterator(); it.increment(ec))
      if (it->is_directory(ec)) dirs.push_back(it->path());
    std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) {
      return a.string().size() > b.string().size();
    });
    for (const auto& d : dirs) rmdir(d.c_str());  // a cgroup holding a process stays
  }
}

std::string TestPod::AddContainer(const std::string& name, const std::vector<std::string>& command,
                                  const std::string& data_dir, bool interactive) {
  runtime::v1::ContainerConfig c;
  c.mutable_metadata()->set_name(name);
  c.mutable_metadata()->set_attempt(0);
  c.mutable_image()->set_image("riposte.local/busybox:1");
  for (const auto& arg : command) c.add_command(arg);
  c.set_log_path(name + ".log");
  c.set_stdin(interactive);
  c.set_tty(interactive);
  // ... and to every container.
  auto& labels = *c.mutable_labels();
  labels["io.kubernetes.container.name"] = name;
  labels["io.kubernetes.pod.name"] = config_.metadata().name();
  labels["io.kubernetes.pod.namespace"] = config_.metadata().namespace_();
  labels["io.kubernetes.pod.uid"] = uid_;
  if (host_network_)
    c.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_network(
        runtime::v1::NamespaceMode::NODE);
  if (!data_dir.empty()) {
    auto* m = c.add_mounts();
    m->set_container_path("/data");
    m->set_host_path(data_dir);
  }
  auto id = cri_.CreateContainer(sandbox_id_, c, config_);
  if (!id) {
    error_ = "CreateContainer: " + id.error().message;
    return "";
  }
  if (Status s = cri_.StartContainer(*id); !s) {
    error_ = "StartContainer: " + s.error().message;
    return "";
  }
  return *id;
}

}  // namespace riposte::testing
