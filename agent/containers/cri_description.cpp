#include "containers/cri_description.h"

#include "containers/container_description.h"
#include "containers/json_fields.h"

namespace riposte {
namespace {

// The privileged flag at a path of objects, or nothing when any step is missing.
std::optional<bool> BoolAt(const nlohmann::json& j, std::initializer_list<std::string_view> path) {
  const nlohmann::json* at = &j;
  for (auto key : path) at = &JsonMember(*at, key);
  if (!at->is_boolean()) return std::nullopt;
  return at->get<bool>();
}

// What the pod's own status says: identity, address, and its labels but the kubelet's.
void TakePod(const PodRecord& pod, ContainerInfo& info) {
  info.k8s_namespace = pod.k8s_namespace;
  info.pod_name = pod.name;
  info.pod_uid = pod.uid;
  if (!pod.ip.empty()) info.ip = pod.ip;
  for (const auto& [k, v] : pod.labels)
    if (!k.starts_with("io.kubernetes.") && v.size() <= kLabelMaxLen) info.pod_labels.emplace(k, v);
}

}  // namespace

CriVerboseInfo ParseCriVerboseInfo(std::string_view json_text) {
  CriVerboseInfo out;
  auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return out;
  int64_t pid = JsonInt(j, "pid");
  if (pid > 0 && pid <= 0x7fffffff) out.pid = static_cast<uint32_t>(pid);
  out.sandbox_id = JsonText(j, "sandboxID");
  // The plugin's order: the spec's, then the CRI config's security context, then CRI-O's
  // top-level flag.
  if (auto p = BoolAt(j, {"runtimeSpec", "linux", "security_context", "privileged"})) out.privileged = *p;
  else if (auto c = BoolAt(j, {"config", "linux", "security_context", "privileged"})) out.privileged = *c;
  else out.privileged = JsonBool(j, "privileged");
  std::string image = JsonText(JsonMember(JsonMember(j, "config"), "image"), "image");
  if (size_t colon = image.find(':'); colon != std::string::npos) image = image.substr(colon + 1);
  out.image_id = image;
  const auto& annotations = JsonMember(JsonMember(j, "runtimeSpec"), "annotations");
  if (annotations.is_object())
    for (const auto& [k, v] : annotations.items())
      if (v.is_string()) out.annotations.emplace(k, v.get<std::string>());
  return out;
}

std::string CriContainerType(std::string_view runtime_name) {
  if (runtime_name == "containerd" || runtime_name == "cri-o") return std::string(runtime_name);
  return "cri";
}

ContainerInfo DescribeCriContainer(const CriContainerRecord& status, const PodRecord* pod,
                                   std::string_view runtime_name) {
  const CriVerboseInfo verbose = ParseCriVerboseInfo(status.verbose_info);
  ContainerInfo info;
  info.id = status.id;
  info.engine = CriContainerType(runtime_name);
  info.cri_described = true;
  info.name = status.name.empty() ? status.id : status.name;

  // The image: as the kubelet asked for it, unless the runtime resolved the reference to
  // "repo@sha256:..." (then that repository, the digest, and the asked-for tag), or gave
  // only an id (then the name from the runtime's annotations).
  std::string image = status.image;
  bool tag_from_asked = false;
  const std::string& ref = status.image_ref;
  if (size_t d = ref.find("sha256:"); d == 0) {
    info.image_digest = ref;
  } else if (d != std::string::npos && d > 0 && ref[d - 1] == '@') {
    image = ref.substr(0, d - 1);
    info.image_digest = ref.substr(d);
    tag_from_asked = true;
  }
  if (image.empty() || image.starts_with("sha256")) {
    for (const char* key : {"io.kubernetes.cri.image-name", "io.kubernetes.cri-o.Image", "io.kubernetes.cri-o.ImageName"})
      if (auto it = verbose.annotations.find(key); it != verbose.annotations.end()) {
        image = it->second;
        tag_from_asked = false;
        break;
      }
  }
  ImageReference parsed = ParseImageReference(image);
  if (tag_from_asked) {
    parsed.tag = ParseImageReference(status.image).tag;
    if (!parsed.tag.empty()) image += ":" + parsed.tag;
  }
  info.image = image;
  info.image_repository = parsed.repository;
  info.image_tag = parsed.tag;
  if (!verbose.image_id.empty()) info.image_id = verbose.image_id;

  info.privileged = verbose.privileged;
  for (const auto& m : status.mounts) {
    ContainerMount cm;
    cm.source = m.host_path;
    cm.dest = m.container_path;
    cm.read_write = !m.readonly;
    cm.propagation = m.propagation;
    info.mounts.push_back(std::move(cm));
  }
  info.created_ns = status.created_ns;
  for (const auto& [k, v] : status.labels)
    if (v.size() <= kLabelMaxLen) info.labels.emplace(k, v);
  info.sandbox_id = verbose.sandbox_id;
  // The kubelet labels every container with its pod; the pod's own answer wins.
  info.k8s_namespace = Label(status.labels, "io.kubernetes.pod.namespace");
  info.pod_name = Label(status.labels, "io.kubernetes.pod.name");
  info.pod_uid = Label(status.labels, "io.kubernetes.pod.uid");
  if (pod) {
    if (info.sandbox_id.empty()) info.sandbox_id = pod->sandbox_id;
    TakePod(*pod, info);
  }
  RenderContainerText(info);
  return info;
}

ContainerInfo DescribeCriSandbox(const PodRecord& pod, std::string_view runtime_name) {
  ContainerInfo info;
  info.id = pod.sandbox_id;
  info.engine = CriContainerType(runtime_name);
  info.cri_described = true;
  info.name = "POD";
  info.is_sandbox = true;
  info.sandbox_id = pod.sandbox_id;
  TakePod(pod, info);
  RenderContainerText(info);
  return info;
}

TaskState CriTaskState(const CriContainerRecord& status) {
  TaskState t;
  t.pid = ParseCriVerboseInfo(status.verbose_info).pid;
  if (status.state == "CONTAINER_RUNNING") t.status = TaskStatus::kRunning;
  else if (status.state == "CONTAINER_CREATED") t.status = TaskStatus::kCreated;
  else if (status.state == "CONTAINER_EXITED") t.status = TaskStatus::kStopped;
  return t;
}

}  // namespace riposte
