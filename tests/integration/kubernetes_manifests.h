// The Kubernetes manifests as the tests see them: `kubectl kustomize` of the base or an
// overlay under deploy/kubernetes, parsed into objects; and the tables of docs/deploy.md
// that say what the DaemonSet's pod is given.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace riposte::testing {

struct RenderedManifests {
  std::string text;  // kubectl's output (a YAML stream)
  std::string error;  // kubectl's message when it failed
  std::vector<YAML::Node> objects;
  // The object of that kind and name, or a null node.
  YAML::Node Find(const std::string& kind, const std::string& name) const;
  // A ConfigMap's data, key -> text.
  std::map<std::string, std::string> ConfigMapData(const std::string& name) const;
};

// `kubectl kustomize deploy/kubernetes/<dir>`.
RenderedManifests Kustomize(const std::string& dir);

// What docs/deploy.md ("What the pod is given") documents.
struct DocumentedPod {
  std::set<std::string> capabilities;  // without the CAP_ prefix, as Kubernetes spells them
  struct HostMount {
    std::string host_path, mount_path;
    bool read_only = false;
  };
  std::map<std::string, HostMount> host_mounts;  // by volume name
};
DocumentedPod ReadDocumentedPod(const std::string& deploy_md);

}  // namespace riposte::testing
