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
      } else if (key == "policies") {
        config.policies = v.as<std::vector<std::string>>();
      } else if (key == "dry_run") {
        config.dry_run = v.as<bool>();
      } else if (key == "watch_files") {
        config.watch_files = v.as<bool>();
      } else if (key == "alerts") {
        for (const auto& item : v) {
          const std::string k = item.first.as<std::string>();
          if (k == "file") config.alerts_file = item.second.as<std::string>();
          else if (k == "url") config.alerts_url = item.second.as<std::string>();
          else if (k == "json") config.alerts_json = item.second.as<bool>();
          else if (k == "min_priority") config.min_priority = item.second.as<std::string>();
          else return Error{Where(path, item.first) + ": unknown key alerts." + k};
        }
      } else if (key == "audit") {
        for (const auto& item : v) {
          const std::string k = item.first.as<std::string>();
          if (k == "path") config.audit_log = item.second.as<std::string>();
          else if (k == "max_size_mb") config.audit_max_bytes = item.second.as<uint64_t>() << 20;
          else if (k == "keep") config.audit_keep = item.second.as<int>();
          else return Error{Where(path, item.first) + ": unknown key audit." + k};
        }
        if (config.audit_keep < 1) return Error{Where(path, v) + ": audit.keep must be at least 1"};
      } else if (key == "protected") {
        for (const auto& item : v) {
          const std::string k = item.first.as<std::string>();
          auto& p = config.protection;
          if (k == "pids") p.pids = item.second.as<std::vector<uint32_t>>();
          else if (k == "process_names") p.process_names = item.second.as<std::vector<std::string>>();
          else if (k == "images") p.images = item.second.as<std::vector<std::string>>();
          else if (k == "namespaces") p.namespaces = item.second.as<std::vector<std::string>>();
          else return Error{Where(path, item.first) + ": unknown key protected." + k};
        }
      } else if (key == "circuit_breaker") {
        for (const auto& item : v) {
          const std::string k = item.first.as<std::string>();
          if (k == "max_actions_per_minute") config.breaker_max_actions_per_minute = item.second.as<uint32_t>();
          else if (k == "cooldown") config.breaker_cooldown = item.second.as<std::string>();
          else return Error{Where(path, item.first) + ": unknown key circuit_breaker." + k};
        }
      } else if (key == "in_kernel_kill") {
        config.in_kernel_kill = v.as<bool>();
      } else if (key == "respond") {
        for (const auto& item : v) {
          const std::string k = item.first.as<std::string>();
          if (k == "listen") config.respond_listen = item.second.as<std::string>();
          else return Error{Where(path, item.first) + ": unknown key respond." + k};
        }
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
