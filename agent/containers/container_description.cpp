#include "containers/container_description.h"

#include <algorithm>
#include <optional>

#include "containers/json_fields.h"

namespace riposte {
namespace {

// Labels containerd's CRI plugin and the kubelet put on every container they create.
constexpr std::string_view kKindLabel = "io.cri-containerd.kind";
constexpr std::string_view kSandboxIdAnnotation = "io.kubernetes.cri.sandbox-id";
constexpr std::string_view kContainerNameAnnotation = "io.kubernetes.cri.container-name";

std::string Annotation(const nlohmann::json& spec, std::string_view key) {
  return JsonText(JsonMember(spec, "annotations"), key);
}


bool HasString(const nlohmann::json& array, std::string_view value) {
  if (!array.is_array()) return false;
  return std::any_of(array.begin(), array.end(), [&](const nlohmann::json& v) { return v.is_string() && v == value; });
}

// What privileged mode does to a spec, whoever wrote it (ctr --privileged, CRI's
// privileged security context, nerdctl): every capability including CAP_SYS_ADMIN, and
// no masked paths. A spec that keeps /proc/kcore masked or drops SYS_ADMIN is not.
bool SpecIsPrivileged(const nlohmann::json& spec) {
  if (!spec.is_object()) return false;
  const auto linux_section = spec.value("linux", nlohmann::json::object());
  auto masked = linux_section.find("maskedPaths");
  if (masked != linux_section.end() && masked->is_array() && !masked->empty()) return false;
  const auto process = spec.value("process", nlohmann::json::object());
  const auto caps = process.value("capabilities", nlohmann::json::object());
  return HasString(caps.value("bounding", nlohmann::json::array()), "CAP_SYS_ADMIN") &&
         HasString(caps.value("effective", nlohmann::json::array()), "CAP_SYS_ADMIN");
}

// Whether the spec gives the container a namespace of this type (its own or one it joins,
// like a pod's): none means the host's. A record without a spec says nothing.
std::optional<bool> HasNamespace(const nlohmann::json& spec, std::string_view type) {
  const auto& ns = JsonMember(JsonMember(spec, "linux"), "namespaces");
  if (!ns.is_array()) return std::nullopt;
  for (const auto& n : ns)
    if (n.is_object() && n.contains("type") && n["type"] == type) return true;
  return false;
}

std::vector<ContainerMount> BindMounts(const nlohmann::json& spec) {
  std::vector<ContainerMount> out;
  if (!spec.is_object() || !spec.contains("mounts") || !spec["mounts"].is_array()) return out;
  for (const auto& m : spec["mounts"]) {
    if (!m.is_object()) continue;
    const auto options = m.value("options", nlohmann::json::array());
    bool bind = m.value("type", "") == "bind" || HasString(options, "bind") || HasString(options, "rbind");
    if (!bind) continue;
    ContainerMount cm;
    cm.source = m.value("source", "");
    cm.dest = m.value("destination", "");
    for (const auto& o : options) {
      if (!o.is_string()) continue;
      std::string opt = o.get<std::string>();
      if (!cm.mode.empty()) cm.mode += ',';
      cm.mode += opt;
      if (opt == "ro") cm.read_write = false;
      if (opt == "private" || opt == "rprivate" || opt == "slave" || opt == "rslave" || opt == "shared" ||
          opt == "rshared")
        cm.propagation = opt;
    }
    out.push_back(std::move(cm));
  }
  return out;
}

}  // namespace

std::string Label(const std::map<std::string, std::string>& labels, std::string_view key) {
  auto it = labels.find(std::string(key));
  return it == labels.end() ? "" : it->second;
}

ImageReference ParseImageReference(std::string_view ref) {
  ImageReference r;
  if (size_t at = ref.find('@'); at != std::string_view::npos) ref = ref.substr(0, at);
  size_t slash = ref.rfind('/');
  size_t colon = ref.rfind(':');
  // A colon before the last slash is a registry port, not a tag.
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    r.repository = std::string(ref.substr(0, colon));
    r.tag = std::string(ref.substr(colon + 1));
  } else {
    r.repository = std::string(ref);
  }
  return r;
}

std::string SandboxIdOf(const ContainerRecord& record) {
  if (Label(record.labels, kKindLabel) == "sandbox") return record.id;
  return Annotation(record.spec, kSandboxIdAnnotation);
}

ContainerInfo DescribeContainer(const ContainerRecord& record, const PodRecord* pod) {
  ContainerInfo info;
  info.id = record.id;
  info.runtime_namespace = record.runtime_namespace;
  // dockerd keeps its containers in the "moby" namespace; containerd's record of one
  // lacks what only dockerd knows (its name, the image as the user ran it).
  info.engine = record.runtime_namespace == "moby" ? "docker" : "containerd";
  if (auto net = HasNamespace(record.spec, "network")) info.host_network = !*net;
  if (auto ipc = HasNamespace(record.spec, "ipc")) info.host_ipc = !*ipc;
  info.image = record.image;
  ImageReference ref = ParseImageReference(record.image);
  info.image_repository = ref.repository;
  info.image_tag = ref.tag;
  info.privileged = SpecIsPrivileged(record.spec);
  info.mounts = BindMounts(record.spec);
  info.created_ns = record.created_ns;
  info.labels = record.labels;
  info.is_sandbox = Label(record.labels, kKindLabel) == "sandbox";
  info.sandbox_id = SandboxIdOf(record);

  // containerd's CRI plugin annotates the spec with the container's name; the kubelet
  // also labels every container with its pod and container names.
  info.name = Annotation(record.spec, kContainerNameAnnotation);
  if (info.name.empty()) info.name = Label(record.labels, "io.kubernetes.container.name");
  if (info.name.empty()) info.name = info.is_sandbox ? "POD" : record.id;
  info.k8s_namespace = Label(record.labels, "io.kubernetes.pod.namespace");
  info.pod_name = Label(record.labels, "io.kubernetes.pod.name");
  info.pod_uid = Label(record.labels, "io.kubernetes.pod.uid");
  if (pod) {
    info.k8s_namespace = pod->k8s_namespace;
    info.pod_name = pod->name;
    info.pod_uid = pod->uid;
    for (const auto& [k, v] : pod->labels)
      if (!k.starts_with("io.kubernetes.")) info.pod_labels.emplace(k, v);
  }
  RenderContainerText(info);
  return info;
}

}  // namespace riposte
