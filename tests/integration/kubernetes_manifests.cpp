#include "integration/kubernetes_manifests.h"

#include <regex>
#include <sstream>

#include "integration/agent_process.h"
#include "integration/capture_harness.h"

namespace riposte::testing {

YAML::Node RenderedManifests::Find(const std::string& kind, const std::string& name) const {
  for (const auto& o : objects)
    if (o["kind"].as<std::string>("") == kind && o["metadata"]["name"].as<std::string>("") == name) return o;
  return YAML::Node(YAML::NodeType::Null);
}

std::map<std::string, std::string> RenderedManifests::ConfigMapData(const std::string& name) const {
  std::map<std::string, std::string> out;
  YAML::Node map = Find("ConfigMap", name);
  if (!map.IsNull())
    for (const auto& kv : map["data"]) out[kv.first.as<std::string>()] = kv.second.as<std::string>();
  return out;
}

RenderedManifests Kustomize(const std::string& dir) {
  RenderedManifests r;
  int rc = 0;
  r.text = ShellStatus("kubectl kustomize " + SourceDir() + "/deploy/kubernetes/" + dir + " 2>/dev/null", &rc);
  if (rc != 0) {
    r.error = ShellStatus("kubectl kustomize " + SourceDir() + "/deploy/kubernetes/" + dir + " 2>&1", &rc);
    return r;
  }
  for (const auto& doc : YAML::LoadAll(r.text))
    if (doc.IsMap()) r.objects.push_back(doc);
  return r;
}

DocumentedPod ReadDocumentedPod(const std::string& deploy_md) {
  DocumentedPod pod;
  const size_t section = deploy_md.find("### What the pod is given");
  if (section == std::string::npos) return pod;
  std::istringstream in(deploy_md.substr(section));
  // | `CAP_BPF` | why |
  const std::regex capability(R"(^\| `CAP_([A-Z_]+)` \|)");
  // | `btf` | `/sys/kernel/btf` | `/sys/kernel/btf` | read-only | why |
  const std::regex mount(R"(^\| `([a-z-]+)` \| `(/[^`]*)` \| `(/[^`]*)` \| (read-only|read-write) \|)");
  std::smatch m;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("## ") || line.starts_with("**Upgrade**")) break;
    if (std::regex_search(line, m, capability)) pod.capabilities.insert(m[1]);
    if (std::regex_search(line, m, mount)) pod.host_mounts[m[1]] = {m[2], m[3], m[4] == "read-only"};
  }
  return pod;
}

}  // namespace riposte::testing
