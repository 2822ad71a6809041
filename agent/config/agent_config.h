// The agent's configuration: one object, loaded and validated once, passed to each stage.
// Read from a YAML file (default /etc/riposte/riposte.yaml when it exists); command-line
// flags override it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace riposte {

struct AgentConfig {
  // capture
  std::vector<std::string> syscalls;  // empty: the default set
  uint32_t ring_buffer_mb = 16;
  // state
  std::vector<std::string> containerd_namespaces = {"default", "k8s.io", "moby"};
  // rules: files or directories, used when --rules is not given
  std::vector<std::string> rules;
  // logging
  std::string log_level = "info";
};

// Errors name the file, line and column of the offending key.
Result<AgentConfig> LoadAgentConfig(const std::string& path);

}  // namespace riposte
