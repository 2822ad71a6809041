#include "config/agent_config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "common/yaml_syntax.h"

namespace riposte {
namespace {

std::string Where(const std::string& path, const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  return path + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

}  // namespace

Result<AgentConfig> LoadAgentConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{path + ": cannot read the file"};
  std::stringstream text;
  text << in.rdbuf();
  if (auto syntax = CheckYamlSyntax(path, text.str()); !syntax) return syntax.error();
  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::ParserException& e) {
    return Error{path + ":" + std::to_string(e.mark.line + 1) + ":" +
                 std::to_string(e.mark.column + 1) + ": " + e.msg};
  }
  AgentConfig config;
  if (root.IsNull()) return config;
  if (!root.IsMap()) return Error{Where(path, root) + ": the configuration must be a mapping"};
  try {
    for (const auto& section : root) {
      const std::string key = section.first.as<std::string>();
      const YAML::Node& v = section.second;
      if (key == "capture") {
        for (const auto& item : v) {
          const std::string k = item.first.as<std::string>();
          if (k == "syscalls") config.syscalls = item.second.as<std::vector<std::string>>();
          else if (k == "ring_buffer_mb") config.ring_buffer_mb = item.second.as<uint32_t>();
          else return Error{Where(path, item.first) + ": unknown key capture." + k};
        }
      } else if (key == "state") {
        for (const auto& item : v) {
          const std::string k = item.first.as<std::string>();
          if (k == "containerd_namespaces")
            config.containerd_namespaces = item.second.as<std::vector<std::string>>();
          else return Error{Where(path, item.first) + ": unknown key state." + k};
        }
      } else if (key == "rules") {
        config.rules = v.as<std::vector<std::string>>();
      } else if (key == "log_level") {
        config.log_level = v.as<std::string>();
      } else {
        return Error{Where(path, section.first) + ": unknown key '" + key + "'"};
      }
    }
  } catch (const YAML::Exception& e) {
    return Error{path + ":" + std::to_string(e.mark.line + 1) + ":" +
                 std::to_string(e.mark.column + 1) + ": " + e.msg};
  }
  return config;
}

}  // namespace riposte
