#include "config/agent_config.h"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <sstream>

#include "common/yaml_syntax.h"

namespace riposte {
namespace {

std::string Where(const std::string& path, const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  return path + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

// Every key the file may hold, by its dotted name ("audit.path"), with what sets it. A
// name with a dot lives in the section before the dot. One table: adding a key is one line.
using Setter = void (*)(AgentConfig&, const YAML::Node&);
template <typename T>
T As(const YAML::Node& n) {
  return n.as<T>();
}
using Strings = std::vector<std::string>;

const std::map<std::string, Setter, std::less<>>& Keys() {
  static const std::map<std::string, Setter, std::less<>> keys = {
      {"capture.syscalls", [](AgentConfig& c, const YAML::Node& v) { c.syscalls = As<Strings>(v); }},
      {"capture.ring_buffer_mb", [](AgentConfig& c, const YAML::Node& v) { c.ring_buffer_mb = As<uint32_t>(v); }},
      {"state.containerd_namespaces", [](AgentConfig& c, const YAML::Node& v) { c.containerd_namespaces = As<Strings>(v); }},
      {"containers.enabled", [](AgentConfig& c, const YAML::Node& v) { c.containers_enabled = As<bool>(v); }},
      {"containers.containerd_socket", [](AgentConfig& c, const YAML::Node& v) { c.containerd_socket = As<std::string>(v); }},
      {"containers.cri_socket", [](AgentConfig& c, const YAML::Node& v) { c.cri_socket = As<std::string>(v); }},
      {"quarantine.state_file", [](AgentConfig& c, const YAML::Node& v) { c.quarantine_state = As<std::string>(v); }},
      {"seccomp.profile_dir", [](AgentConfig& c, const YAML::Node& v) { c.seccomp_profile_dir = As<std::string>(v); }},
      {"rules", [](AgentConfig& c, const YAML::Node& v) { c.rules = As<Strings>(v); }},
      {"policies", [](AgentConfig& c, const YAML::Node& v) { c.policies = As<Strings>(v); }},
      {"dry_run", [](AgentConfig& c, const YAML::Node& v) { c.dry_run = As<bool>(v); }},
      {"watch_files", [](AgentConfig& c, const YAML::Node& v) { c.watch_files = As<bool>(v); }},
      {"in_kernel_kill", [](AgentConfig& c, const YAML::Node& v) { c.in_kernel_kill = As<bool>(v); }},
      {"log_level",
       [](AgentConfig& c, const YAML::Node& v) {
         c.log_level = As<std::string>(v);
         if (spdlog::level::from_str(c.log_level) == spdlog::level::off && c.log_level != "off")
           throw YAML::RepresentationException(v.Mark(), "log_level must be trace, debug, info, warn, error or off");
       }},
      {"log_format",
       [](AgentConfig& c, const YAML::Node& v) {
         c.log_format = As<std::string>(v);
         if (c.log_format != "text" && c.log_format != "json")
           throw YAML::RepresentationException(v.Mark(), "log_format must be text or json");
       }},
      {"ops.listen", [](AgentConfig& c, const YAML::Node& v) { c.ops_listen = As<std::string>(v); }},
      {"alerts.file", [](AgentConfig& c, const YAML::Node& v) { c.alerts_file = As<std::string>(v); }},
      {"alerts.url", [](AgentConfig& c, const YAML::Node& v) { c.alerts_url = As<std::string>(v); }},
      {"alerts.json", [](AgentConfig& c, const YAML::Node& v) { c.alerts_json = As<bool>(v); }},
      {"alerts.min_priority", [](AgentConfig& c, const YAML::Node& v) { c.min_priority = As<std::string>(v); }},
      {"audit.path", [](AgentConfig& c, const YAML::Node& v) { c.audit_log = As<std::string>(v); }},
      {"audit.max_size_mb", [](AgentConfig& c, const YAML::Node& v) { c.audit_max_bytes = As<uint64_t>(v) << 20; }},
      {"audit.keep",
       [](AgentConfig& c, const YAML::Node& v) {
         c.audit_keep = As<int>(v);
         if (c.audit_keep < 1) throw YAML::RepresentationException(v.Mark(), "audit.keep must be at least 1");
       }},
      {"protected.pids", [](AgentConfig& c, const YAML::Node& v) { c.protection.pids = As<std::vector<uint32_t>>(v); }},
      {"protected.process_names", [](AgentConfig& c, const YAML::Node& v) { c.protection.process_names = As<Strings>(v); }},
      {"protected.images", [](AgentConfig& c, const YAML::Node& v) { c.protection.images = As<Strings>(v); }},
      {"protected.namespaces", [](AgentConfig& c, const YAML::Node& v) { c.protection.namespaces = As<Strings>(v); }},
      {"circuit_breaker.max_actions_per_minute",
       [](AgentConfig& c, const YAML::Node& v) { c.breaker_max_actions_per_minute = As<uint32_t>(v); }},
      {"circuit_breaker.cooldown", [](AgentConfig& c, const YAML::Node& v) { c.breaker_cooldown = As<std::string>(v); }},
      {"respond.listen", [](AgentConfig& c, const YAML::Node& v) { c.respond_listen = As<std::string>(v); }},
  };
  return keys;
}

bool IsSection(const std::string& name) {
  auto it = Keys().lower_bound(name + ".");
  return it != Keys().end() && it->first.starts_with(name + ".");
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
    for (const auto& top : root) {
      const std::string key = top.first.as<std::string>();
      if (IsSection(key)) {
        if (!top.second.IsMap()) return Error{Where(path, top.second) + ": " + key + " must be a mapping"};
        for (const auto& item : top.second) {
          const std::string name = key + "." + item.first.as<std::string>();
          auto setter = Keys().find(name);
          if (setter == Keys().end()) return Error{Where(path, item.first) + ": unknown key " + name};
          setter->second(config, item.second);
        }
        continue;
      }
      auto setter = Keys().find(key);
      if (setter == Keys().end()) return Error{Where(path, top.first) + ": unknown key '" + key + "'"};
      setter->second(config, top.second);
    }
  } catch (const YAML::Exception& e) {
    return Error{path + ":" + std::to_string(e.mark.line + 1) + ":" +
                 std::to_string(e.mark.column + 1) + ": " + e.msg};
  }
  return config;
}

}  // namespace riposte
