#include "state/container_id.h"

#include <algorithm>
#include <vector>

namespace riposte {
namespace {

bool IsHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::vector<std::string_view> Components(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// "<prefix><64 hex>.scope" (systemd driver) or "<prefix><64 hex>" (cgroupfs with prefix).
std::optional<std::string> StripScope(std::string_view c, std::string_view prefix) {
  if (!c.starts_with(prefix)) return std::nullopt;
  c.remove_prefix(prefix.size());
  if (c.ends_with(".scope")) c.remove_suffix(6);
  if (!IsHex64(c)) return std::nullopt;
  return std::string(c);
}

// Systemd-driver scope prefixes, most specific first.
struct ScopeFormat {
  std::string_view prefix;
  std::string_view runtime;
};
constexpr ScopeFormat kScopes[] = {
    {"cri-containerd-", "containerd"},
    {"crio-", "cri-o"},
    {"docker-", "docker"},
    {"libpod-", "podman"},
};

}  // namespace

std::optional<ContainerRef> ContainerFromCgroup(std::string_view cgroup_path,
                                                std::span<const std::string> containerd_namespaces) {
  auto parts = Components(cgroup_path);
  if (parts.empty()) return std::nullopt;
  // Look from the leaf up: a process may sit in a sub-cgroup of its container's cgroup
  // (systemd inside a container, or cgroup v2 "init" leaves).
  for (size_t k = parts.size(); k-- > 0;) {
    std::string_view c = parts[k];
    if (c.starts_with("crio-conmon-")) return std::nullopt;  // cri-o's monitor, on the host
    for (const auto& f : kScopes)
      if (auto id = StripScope(c, f.prefix)) return ContainerRef{*id, std::string(f.runtime)};
    if (IsHex64(c) && k > 0) {
      std::string_view parent = parts[k - 1];
      if (parent == "docker") return ContainerRef{std::string(c), "docker"};
      if (parent.starts_with("pod") || parent.find("-pod") != std::string_view::npos)
        return ContainerRef{std::string(c), "cri"};
      if (parent == "libpod_parent" || parent.starts_with("libpod"))
        return ContainerRef{std::string(c), "podman"};
    }
    // containerd's own cgroupfs layout: "/<namespace>/<id>", directly below the root.
    if (k == 1 && std::find(containerd_namespaces.begin(), containerd_namespaces.end(),
                            parts[0]) != containerd_namespaces.end())
      return ContainerRef{std::string(c), "containerd"};
  }
  return std::nullopt;
}

}  // namespace riposte
