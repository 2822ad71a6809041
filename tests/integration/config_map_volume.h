// A ConfigMap volume as the kubelet writes it on the node, for tests of the agent's
// reload: the files in a hidden versioned directory, `..data` a symlink to it, each key a
// symlink through `..data`. An update writes a new version and swaps `..data` in one
// rename, then removes the old version — what the agent's watcher must see as one change.
#pragma once

#include <map>
#include <string>

namespace riposte::testing {

// Creates or updates the volume at `mount` with exactly these files (key -> content).
void PublishConfigMap(const std::string& mount, const std::map<std::string, std::string>& files);

}  // namespace riposte::testing
