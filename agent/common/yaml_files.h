// The YAML files a directory given as a rules or policies path holds, in name order.
// Names starting with "." are skipped: a Kubernetes ConfigMap mount holds `..data` and
// `..<timestamp>` beside the real names, which are symlinks through them.
#pragma once

#include <string>
#include <vector>

namespace riposte {

// *.yaml and *.yml regular files (symlinks followed) directly in `dir`, sorted.
std::vector<std::string> YamlFilesIn(const std::string& dir);

}  // namespace riposte
