#include "integration/daemonset_pod.h"

#include <unistd.h>

#include <filesystem>

#include "integration/config_map_volume.h"
#include "integration/test_pod.h"
#include "runtime/v1/cri_runtime_v1.pb.h"

namespace riposte::testing {

namespace fs = std::filesystem;
namespace cri = runtime::v1;

namespace {

// The kubelet's labels on every sandbox and container it creates.
void KubeletLabels(google::protobuf::Map<std::string, std::string>& labels, const cri::PodSandboxMetadata& pod) {
  labels["io.kubernetes.pod.name"] = pod.name();
  labels["io.kubernetes.pod.namespace"] = pod.namespace_();
  labels["io.kubernetes.pod.uid"] = pod.uid();
}

cri::SecurityProfile::ProfileType ProfileType(const std::string& type) {
  if (type == "Unconfined") return cri::SecurityProfile::Unconfined;
  if (type == "Localhost") return cri::SecurityProfile::Localhost;
  return cri::SecurityProfile::RuntimeDefault;
}

}  // namespace

DaemonSetPod::DaemonSetPod(const std::string& cri_socket, const YAML::Node& daemonset,
                           const std::map<std::string, std::map<std::string, std::string>>& config_maps,
                           const std::string& node_root)
    : cri_(cri_socket, std::chrono::seconds(60)), cri_socket_(cri_socket), node_root_(node_root) {
  const YAML::Node spec = daemonset["spec"]["template"]["spec"];
  const YAML::Node container = spec["containers"][0];
  const bool host_pid = spec["hostPID"].as<bool>(false);

  cri::PodSandboxConfig sandbox;
  auto* meta = sandbox.mutable_metadata();
  meta->set_name(daemonset["metadata"]["name"].as<std::string>() + "-node");
  meta->set_namespace_(daemonset["metadata"]["namespace"].as<std::string>("default"));
  meta->set_uid("riposte-ds-" + std::to_string(getpid()));
  sandbox.set_hostname(meta->name());
  const std::string logs = node_root_ + "/pod-logs";
  fs::create_directories(logs);
  sandbox.set_log_directory(logs);
  for (const auto& kv : daemonset["spec"]["template"]["metadata"]["labels"])
    (*sandbox.mutable_labels())[kv.first.as<std::string>()] = kv.second.as<std::string>();
  KubeletLabels(*sandbox.mutable_labels(), *meta);
  cgroup_parent_ = "/kubepods/burstable/pod" + meta->uid();
  sandbox.mutable_linux()->set_cgroup_parent(cgroup_parent_);
  auto* sandbox_ns = sandbox.mutable_linux()->mutable_security_context()->mutable_namespace_options();
  if (host_pid) sandbox_ns->set_pid(cri::NODE);
  if (spec["hostNetwork"].as<bool>(false)) sandbox_ns->set_network(cri::NODE);

  auto id = cri_.RunPodSandbox(sandbox);
  if (!id) {
    error_ = "RunPodSandbox: " + id.error().message;
    return;
  }
  sandbox_id_ = *id;

  cri::ContainerConfig c;
  c.mutable_metadata()->set_name(container["name"].as<std::string>());
  c.mutable_image()->set_image(container["image"].as<std::string>());
  for (const auto& a : container["command"]) c.add_command(a.as<std::string>());
  for (const auto& a : container["args"]) c.add_args(a.as<std::string>());
  c.set_log_path(c.metadata().name() + ".log");
  KubeletLabels(*c.mutable_labels(), *meta);
  (*c.mutable_labels())["io.kubernetes.container.name"] = c.metadata().name();

  const YAML::Node sc = container["securityContext"];
  auto* security = c.mutable_linux()->mutable_security_context();
  security->set_privileged(sc["privileged"].as<bool>(false));
  security->set_readonly_rootfs(sc["readOnlyRootFilesystem"].as<bool>(false));
  security->set_no_new_privs(!sc["allowPrivilegeEscalation"].as<bool>(true));
  for (const auto& cap : sc["capabilities"]["add"]) security->mutable_capabilities()->add_add_capabilities(cap.as<std::string>());
  for (const auto& cap : sc["capabilities"]["drop"]) security->mutable_capabilities()->add_drop_capabilities(cap.as<std::string>());
  if (sc["seccompProfile"]) security->mutable_seccomp()->set_profile_type(ProfileType(sc["seccompProfile"]["type"].as<std::string>()));
  if (sc["appArmorProfile"]) security->mutable_apparmor()->set_profile_type(ProfileType(sc["appArmorProfile"]["type"].as<std::string>()));
  if (host_pid) security->mutable_namespace_options()->set_pid(cri::NODE);

  // Volumes: ConfigMaps written out, hostPaths bound from this node.
  std::map<std::string, std::string> source_of;  // volume name -> path on this node
  for (const auto& v : spec["volumes"]) {
    const std::string name = v["name"].as<std::string>();
    if (v["configMap"]) {
      const std::string map = v["configMap"]["name"].as<std::string>();
      const std::string dir = node_root_ + "/configmaps/" + map;
      auto data = config_maps.find(map);
      if (data == config_maps.end()) {
        error_ = "the DaemonSet mounts ConfigMap " + map + ", which the manifests do not define";
        return;
      }
      PublishConfigMap(dir, data->second);
      source_of[name] = dir;
    } else if (v["hostPath"]) {
      const std::string path = v["hostPath"]["path"].as<std::string>();
      const std::string type = v["hostPath"]["type"].as<std::string>("");
      std::string on_node = type == "Socket" ? cri_socket_ : NodePath(path);
      if (type == "DirectoryOrCreate") fs::create_directories(on_node);
      source_of[name] = on_node;
    }
  }
  for (const auto& m : container["volumeMounts"]) {
    const std::string name = m["name"].as<std::string>();
    if (!source_of.count(name)) {
      error_ = "volume mount " + name + " names no volume";
      return;
    }
    auto* mount = c.add_mounts();
    mount->set_container_path(m["mountPath"].as<std::string>());
    mount->set_host_path(source_of[name]);
    mount->set_readonly(m["readOnly"].as<bool>(false));
  }

  auto created = cri_.CreateContainer(sandbox_id_, c, sandbox);
  if (!created) {
    error_ = "CreateContainer: " + created.error().message;
    return;
  }
  container_id_ = *created;
  if (Status s = cri_.StartContainer(container_id_); !s) error_ = "StartContainer: " + s.error().message;
}

DaemonSetPod::~DaemonSetPod() {
  if (!sandbox_id_.empty()) {
    (void)cri_.StopPodSandbox(sandbox_id_);
    (void)cri_.RemovePodSandbox(sandbox_id_);
    RemovePodCgroups(cgroup_parent_);
  }
}

std::string DaemonSetPod::NodePath(const std::string& host_path) const {
  // Read-only system paths (BTF, cgroups) are the node's own; what the pod writes to goes
  // below the test's node root, so a test never touches /var/log or /var/lib.
  if (host_path.starts_with("/sys/")) return host_path;
  return node_root_ + host_path;
}

void DaemonSetPod::UpdateConfigMap(const std::string& name, const std::map<std::string, std::string>& data) {
  PublishConfigMap(node_root_ + "/configmaps/" + name, data);
}

}  // namespace riposte::testing
