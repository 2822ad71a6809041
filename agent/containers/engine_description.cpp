#include "containers/engine_description.h"

#include <ctime>

#include "containers/container_description.h"
#include "containers/json_fields.h"

namespace riposte {
namespace {

std::vector<ContainerMount> EngineMounts(const nlohmann::json& inspect) {
  std::vector<ContainerMount> out;
  const auto& mounts = JsonMember(inspect, "Mounts");
  if (!mounts.is_array()) return out;
  for (const auto& m : mounts) {
    if (!m.is_object()) continue;
    ContainerMount cm;
    cm.source = JsonText(m, "Source");
    cm.dest = JsonText(m, "Destination");
    cm.mode = JsonText(m, "Mode");
    cm.read_write = JsonBool(m, "RW");
    cm.propagation = JsonText(m, "Propagation");
    out.push_back(std::move(cm));
  }
  return out;
}

// Repository, tag and digest as the plugin takes them: from the image's RepoDigests
// ("repo@sha256:...") and RepoTags ("repo:tag"), not from the reference the user typed.
void ImageNames(const nlohmann::json& image, ContainerInfo& info) {
  std::string repo, tag, digest;
  std::vector<std::string> digests;
  const auto& repo_digests = JsonMember(image, "RepoDigests");
  if (repo_digests.is_array())
    for (const auto& rd : repo_digests) {
      if (!rd.is_string()) continue;
      const std::string s = rd.get<std::string>();
      size_t at = s.find('@');
      if (at == std::string::npos || s.find('@', at + 1) != std::string::npos) continue;
      if (repo.empty()) repo = s.substr(0, at);
      digests.push_back(s.substr(at + 1));
      if (s.find(repo) != std::string::npos) {
        digest = digests.back();
        break;
      }
    }
  if (digest.empty() && digests.size() == 1) digest = digests[0];
  const auto& repo_tags = JsonMember(image, "RepoTags");
  if (repo_tags.is_array())
    for (const auto& rt : repo_tags) {
      if (!rt.is_string()) continue;
      const std::string s = rt.get<std::string>();
      ImageReference ref = ParseImageReference(s);
      if (ref.repository.empty() || ref.tag.empty()) continue;
      if (repo.empty()) repo = ref.repository;
      if (s.find(repo) != std::string::npos) {
        tag = ref.tag;
        break;
      }
    }
  info.image_repository = repo;
  info.image_tag = tag;
  info.image_digest = digest;
  std::string id = JsonText(image, "Id");
  if (id.starts_with("sha256:")) id.erase(0, 7);
  info.image_id = id;
}

}  // namespace

int64_t ParseRfc3339Nanos(std::string_view t) {
  std::tm tm{};
  int frac_digits = 0;
  int64_t frac = 0;
  if (t.size() < 20) return 0;
  std::string head(t.substr(0, 19));
  if (!strptime(head.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
  size_t i = 19;
  if (i < t.size() && t[i] == '.') {
    for (++i; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i)
      if (frac_digits < 9) {
        frac = frac * 10 + (t[i] - '0');
        ++frac_digits;
      }
  }
  for (; frac_digits < 9; ++frac_digits) frac *= 10;
  int64_t offset_s = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-') && t.size() >= i + 6) {
    int hh = (t[i + 1] - '0') * 10 + (t[i + 2] - '0'), mm = (t[i + 4] - '0') * 10 + (t[i + 5] - '0');
    offset_s = (t[i] == '+' ? 1 : -1) * (hh * 3600 + mm * 60);
  } else if (i >= t.size() || t[i] != 'Z') {
    return 0;
  }
  int64_t secs = static_cast<int64_t>(timegm(&tm)) - offset_s;
  if (secs <= 0) return 0;  // Go's zero time, "0001-01-01T00:00:00Z"
  return secs * 1000000000 + frac;
}

ContainerInfo DescribeEngineContainer(const nlohmann::json& inspect, const nlohmann::json& image, std::string_view engine) {
  ContainerInfo info;
  info.engine = std::string(engine);
  info.engine_described = true;
  // dockerd keeps its containers in containerd's "moby" namespace: where a fallback acts.
  info.runtime_namespace = engine == "docker" ? "moby" : "";
  info.id = JsonText(inspect, "Id");
  info.name = JsonText(inspect, "Name");
  if (info.name.starts_with('/')) info.name.erase(0, 1);
  info.is_sandbox = info.name.find("k8s_POD") != std::string::npos;
  const auto& config = JsonMember(inspect, "Config");
  const auto& host = JsonMember(inspect, "HostConfig");
  info.image = JsonText(config, "Image");
  if (image.is_object()) ImageNames(image, info);
  info.privileged = JsonBool(host, "Privileged");
  info.host_network = JsonText(host, "NetworkMode") == "host";
  info.host_ipc = JsonText(host, "IpcMode") == "host";
  info.ip = JsonText(JsonMember(inspect, "NetworkSettings"), "IPAddress");
  info.mounts = EngineMounts(inspect);
  info.created_ns = ParseRfc3339Nanos(JsonText(inspect, "Created"));
  const auto& labels = JsonMember(config, "Labels");
  if (labels.is_object())
    for (const auto& [k, v] : labels.items())
      if (v.is_string() && v.get<std::string>().size() <= kLabelMaxLen) info.labels.emplace(k, v.get<std::string>());
  // A kubelet on dockershim (or cri-dockerd) names its pods in the labels, as under CRI.
  auto label = [&](const char* key) {
    auto it = info.labels.find(key);
    return it == info.labels.end() ? std::string() : it->second;
  };
  info.k8s_namespace = label("io.kubernetes.pod.namespace");
  info.pod_name = label("io.kubernetes.pod.name");
  info.pod_uid = label("io.kubernetes.pod.uid");
  RenderContainerText(info);
  return info;
}

TaskState EngineTaskState(const nlohmann::json& inspect) {
  const auto& state = JsonMember(inspect, "State");
  TaskState t;
  const int64_t pid = JsonInt(state, "Pid");
  t.pid = pid > 0 && pid < (1LL << 32) ? static_cast<uint32_t>(pid) : 0;
  t.exit_status = static_cast<uint32_t>(JsonInt(state, "ExitCode"));
  const std::string status = JsonText(state, "Status");
  if (status == "running" || status == "restarting") t.status = TaskStatus::kRunning;
  else if (status == "paused") t.status = TaskStatus::kPaused;
  else if (status == "created" || status == "configured" || status == "initialized") t.status = TaskStatus::kCreated;
  else if (status == "exited" || status == "dead" || status == "removing" || status == "stopped") t.status = TaskStatus::kStopped;
  return t;
}

}  // namespace riposte
