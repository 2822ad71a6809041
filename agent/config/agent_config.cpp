#include "config/agent_config.h"

#include <spdlog/spdlog.h>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <sstream>

#include "common/yaml_syntax.h"
#include "rules/rule_items.h"

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

// A number within [low, high]; anything else is an error at the value's position.
template <typename T>
T InRange(const YAML::Node& n, T low, T high, const std::string& name) {
  const T v = n.as<T>();
  if (!(v >= low && v <= high))
    throw YAML::RepresentationException(n.Mark(), name + " must be between " + fmt::format("{}", low) + " and " +
                                                      fmt::format("{}", high));
  return v;
}

// evidence.recorder: the flight recorder's switch and bounds.
void ParseRecorder(AgentConfig& c, const YAML::Node& map) {
  if (!map.IsMap()) throw YAML::RepresentationException(map.Mark(), "evidence.recorder must be a mapping");
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (key == "enabled") c.recorder_enabled = v.as<bool>();
    else if (key == "window_s") c.recorder_window_s = InRange<uint32_t>(v, 1, 3600, "evidence.recorder.window_s");
    else if (key == "max_mb") c.recorder_max_mb = InRange<uint32_t>(v, 1, 16384, "evidence.recorder.max_mb");
    else if (key == "all_records") c.recorder_all_records = v.as<bool>();
    else
      throw YAML::RepresentationException(kv.first.Mark(), "evidence.recorder: unknown key '" + key +
                                                               "' (enabled, window_s, max_mb, all_records)");
  }
}

// audit.ship: a list of collectors; unknown keys and missing ones are errors at their place.
std::vector<AuditShipConfig> ParseAuditShip(const YAML::Node& list) {
  if (!list.IsSequence()) throw YAML::RepresentationException(list.Mark(), "audit.ship must be a list");
  std::vector<AuditShipConfig> out;
  for (const auto& node : list) {
    if (!node.IsMap()) throw YAML::RepresentationException(node.Mark(), "audit.ship: an entry must be a mapping");
    AuditShipConfig e;
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "name") e.name = v.as<std::string>();
      else if (key == "address") e.address = v.as<std::string>();
      else if (key == "url") e.url = v.as<std::string>();
      else if (key == "protocol") {
        e.protocol = v.as<std::string>();
        if (e.protocol != "syslog" && e.protocol != "relp")
          throw YAML::RepresentationException(v.Mark(), "audit.ship protocol must be syslog or relp");
      }
      else if (key == "token_file") e.token_file = v.as<std::string>();
      else if (key == "gzip") e.gzip = v.as<bool>();
      else if (key == "body") {
        e.body = v.as<std::string>();
        if (e.body != "json" && e.body != "splunk_hec" && e.body != "elastic_bulk")
          throw YAML::RepresentationException(v.Mark(), "audit.ship body must be json, splunk_hec or elastic_bulk");
      }
      else if (key == "format") {
        e.format = v.as<std::string>();
        if (e.format != "riposte" && e.format != "ocsf" && e.format != "ecs")
          throw YAML::RepresentationException(v.Mark(), "audit.ship format must be riposte, ocsf or ecs");
      }
      else if (key == "tls") {
        if (!v.IsMap()) throw YAML::RepresentationException(v.Mark(), "audit.ship tls must be a mapping");
        for (const auto& t : v) {
          const std::string tk = t.first.as<std::string>();
          if (tk == "ca") e.tls_ca = t.second.as<std::string>();
          else if (tk == "cert") e.tls_cert = t.second.as<std::string>();
          else if (tk == "key") e.tls_key = t.second.as<std::string>();
          else if (tk == "server_name") e.tls_server_name = t.second.as<std::string>();
          else throw YAML::RepresentationException(t.first.Mark(), "audit.ship tls: unknown key '" + tk + "' (ca, cert, key, server_name)");
        }
      } else {
        throw YAML::RepresentationException(kv.first.Mark(), "audit.ship: unknown key '" + key + "' (name, address, protocol, url, body, token_file, gzip, format, tls)");
      }
    }
    if (e.name.empty() || e.address.empty() == e.url.empty())
      throw YAML::RepresentationException(node.Mark(), "audit.ship: an entry needs a name and either an address (syslog) or a url (HTTP)");
    if (!e.url.empty() && e.url.rfind("http://", 0) != 0 && e.url.rfind("https://", 0) != 0)
      throw YAML::RepresentationException(node.Mark(), "audit.ship url must start with http:// or https://");
    if (e.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
      throw YAML::RepresentationException(node.Mark(), "audit.ship: a name is lower-case letters, digits, '_' and '-'");
    if (e.tls_cert.empty() != e.tls_key.empty())
      throw YAML::RepresentationException(node.Mark(), "audit.ship tls: cert and key go together");
    if (!e.tls_cert.empty() && e.tls_ca.empty() && e.url.empty())
      throw YAML::RepresentationException(node.Mark(), "audit.ship tls: a client certificate needs ca (TLS)");
    for (const auto& other : out)
      if (other.name == e.name) throw YAML::RepresentationException(node.Mark(), "audit.ship: the name '" + e.name + "' is used twice");
    out.push_back(std::move(e));
  }
  return out;
}

// Falco's append_output entries, with Falco's keys; anything else is an error at its place.
std::vector<AppendOutput> ParseAppendOutput(const YAML::Node& list) {
  if (!list.IsSequence()) throw YAML::RepresentationException(list.Mark(), "append_output must be a list");
  std::vector<AppendOutput> out;
  for (const auto& node : list) {
    if (!node.IsMap()) throw YAML::RepresentationException(node.Mark(), "append_output: an entry must be a mapping");
    AppendOutput e;
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "match") {
        if (!v.IsMap()) throw YAML::RepresentationException(v.Mark(), "append_output match must be a mapping");
        for (const auto& m : v) {
          const std::string mk = m.first.as<std::string>();
          if (mk == "source") e.source = m.second.as<std::string>();
          else if (mk == "rule") e.rule = m.second.as<std::string>();
          else if (mk == "tags") e.tags = m.second.as<Strings>();
          else throw YAML::RepresentationException(m.first.Mark(), "append_output match: unknown key '" + mk + "' (source, tags, rule)");
        }
      } else if (key == "extra_output") {
        e.extra_output = v.as<std::string>();
      } else if (key == "suggested_output") {
        e.suggested_output = v.as<bool>();
      } else if (key == "extra_fields") {
        if (!v.IsSequence()) throw YAML::RepresentationException(v.Mark(), "append_output extra_fields must be a list");
        for (const auto& f : v) {
          std::pair<std::string, std::string> field;
          if (f.IsScalar()) {
            field = {f.as<std::string>(), ""};
          } else if (f.IsMap() && f.size() == 1) {
            field = {f.begin()->first.as<std::string>(), f.begin()->second.as<std::string>()};
          } else {
            throw YAML::RepresentationException(f.Mark(), "append_output extra_fields: a field name, or one 'name: format'");
          }
          for (const auto& [name, format] : e.extra_fields)
            if (name == field.first)
              throw YAML::RepresentationException(f.Mark(), "append_output extra_fields: '" + name + "' given twice");
          e.extra_fields.push_back(std::move(field));
        }
      } else {
        throw YAML::RepresentationException(kv.first.Mark(), "append_output: unknown key '" + key +
                                                                 "' (match, extra_output, extra_fields, suggested_output)");
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

const std::map<std::string, Setter, std::less<>>& Keys() {
  static const std::map<std::string, Setter, std::less<>> keys = {
      {"capture.syscalls", [](AgentConfig& c, const YAML::Node& v) { c.syscalls = As<Strings>(v); }},
      {"capture.ring_buffer_mb",
       [](AgentConfig& c, const YAML::Node& v) {
         // A power of two (the kernel's ring buffer needs one), at most 1 GiB: 1048576 once
         // wrapped to 0 bytes.
         c.ring_buffer_mb = InRange<uint32_t>(v, 1, 1024, "capture.ring_buffer_mb");
         if (c.ring_buffer_mb & (c.ring_buffer_mb - 1))
           throw YAML::RepresentationException(v.Mark(), "capture.ring_buffer_mb must be a power of two");
       }},
      {"state.containerd_namespaces", [](AgentConfig& c, const YAML::Node& v) { c.containerd_namespaces = As<Strings>(v); }},
      {"containers.enabled", [](AgentConfig& c, const YAML::Node& v) { c.containers_enabled = As<bool>(v); }},
      {"containers.containerd_socket", [](AgentConfig& c, const YAML::Node& v) { c.containerd_socket = As<std::string>(v); }},
      {"containers.cri_socket", [](AgentConfig& c, const YAML::Node& v) { c.cri_socket = As<std::string>(v); }},
      {"containers.docker_socket", [](AgentConfig& c, const YAML::Node& v) { c.docker_socket = As<std::string>(v); }},
      {"containers.podman_socket", [](AgentConfig& c, const YAML::Node& v) { c.podman_socket = As<std::string>(v); }},
      {"quarantine.state_file", [](AgentConfig& c, const YAML::Node& v) { c.quarantine_state = As<std::string>(v); }},
      {"seccomp.profile_dir", [](AgentConfig& c, const YAML::Node& v) { c.seccomp_profile_dir = As<std::string>(v); }},
      {"evidence.dir",
       [](AgentConfig& c, const YAML::Node& v) {
         c.evidence_dir = As<std::string>(v);
         if (c.evidence_dir.empty() || c.evidence_dir[0] != '/')
           throw YAML::RepresentationException(v.Mark(), "evidence.dir must be an absolute path");
       }},
      {"evidence.recorder", [](AgentConfig& c, const YAML::Node& v) { ParseRecorder(c, v); }},
      {"rules", [](AgentConfig& c, const YAML::Node& v) { c.rules = As<Strings>(v); }},
      {"append_output", [](AgentConfig& c, const YAML::Node& v) { c.append_output = ParseAppendOutput(v); }},
      {"policies", [](AgentConfig& c, const YAML::Node& v) { c.policies = As<Strings>(v); }},
      {"dry_run", [](AgentConfig& c, const YAML::Node& v) { c.dry_run = As<bool>(v); }},
      {"watch_files", [](AgentConfig& c, const YAML::Node& v) { c.watch_files = As<bool>(v); }},
      {"in_kernel_kill", [](AgentConfig& c, const YAML::Node& v) { c.in_kernel_kill = As<bool>(v); }},
      {"capture.kernel_filter", [](AgentConfig& c, const YAML::Node& v) { c.kernel_filter = As<bool>(v); }},
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
      {"alerts.format",
       [](AgentConfig& c, const YAML::Node& v) {
         c.alerts_format = As<std::string>(v);
         if (c.alerts_format != "falco" && c.alerts_format != "ocsf" && c.alerts_format != "ecs")
           throw YAML::RepresentationException(v.Mark(), "alerts.format must be falco, ocsf or ecs");
       }},
      {"alerts.min_priority", [](AgentConfig& c, const YAML::Node& v) { c.min_priority = As<std::string>(v); }},
      {"audit.path", [](AgentConfig& c, const YAML::Node& v) { c.audit_log = As<std::string>(v); }},
      {"audit.max_size_mb",
       [](AgentConfig& c, const YAML::Node& v) {
         // 0 rotated on every record and so deleted the trail.
         c.audit_max_bytes = InRange<uint64_t>(v, 1, 1 << 20, "audit.max_size_mb") << 20;
       }},
      {"audit.keep",
       [](AgentConfig& c, const YAML::Node& v) {
         c.audit_keep = InRange<int>(v, 1, 1000, "audit.keep");
       }},
      {"audit.heartbeat_s",
       [](AgentConfig& c, const YAML::Node& v) {
         c.audit_heartbeat_s = InRange<uint32_t>(v, 0, 86400, "audit.heartbeat_s");
       }},
      {"audit.ship", [](AgentConfig& c, const YAML::Node& v) { c.audit_ship = ParseAuditShip(v); }},
      {"syscall_event_drops.actions",
       [](AgentConfig& c, const YAML::Node& v) {
         c.drop_actions = As<Strings>(v);
         for (const auto& a : c.drop_actions)
           if (a != "log" && a != "alert" && a != "exit" && a != "ignore")
             throw YAML::RepresentationException(v.Mark(), "syscall_event_drops.actions: '" + a +
                                                               "' is not log, alert, exit or ignore");
       }},
      {"syscall_event_drops.priority",
       [](AgentConfig& c, const YAML::Node& v) {
         c.drop_priority = As<std::string>(v);
         if (!ParsePriority(c.drop_priority))
           throw YAML::RepresentationException(v.Mark(), "syscall_event_drops.priority: '" + c.drop_priority +
                                                             "' is not a Falco priority");
       }},
      {"syscall_event_drops.interval_s",
       [](AgentConfig& c, const YAML::Node& v) {
         c.drop_interval_s = InRange<uint32_t>(v, 1, 86400, "syscall_event_drops.interval_s");
       }},
      {"protected.pids", [](AgentConfig& c, const YAML::Node& v) { c.protection.pids = As<std::vector<uint32_t>>(v); }},
      {"protected.executables",
       [](AgentConfig& c, const YAML::Node& v) {
         c.protection.executables = As<Strings>(v);
         for (const auto& p : c.protection.executables)
           if (p.empty() || p[0] != '/')
             throw YAML::RepresentationException(v.Mark(), "protected.executables: '" + p + "' is not an absolute path");
       }},
      {"protected.process_names",
       [](AgentConfig&, const YAML::Node& v) {
         throw YAML::RepresentationException(
             v.Mark(), "protected.process_names is no longer supported: any process can take any name; list the "
                       "binaries to protect by path in protected.executables");
       }},
      {"protected.images", [](AgentConfig& c, const YAML::Node& v) { c.protection.images = As<Strings>(v); }},
      {"protected.namespaces", [](AgentConfig& c, const YAML::Node& v) { c.protection.namespaces = As<Strings>(v); }},
      {"circuit_breaker.max_actions_per_minute",
       [](AgentConfig& c, const YAML::Node& v) {
         c.breaker_max_actions_per_minute = InRange<uint32_t>(v, 0, 1000000, "circuit_breaker.max_actions_per_minute");
       }},
      {"circuit_breaker.cooldown", [](AgentConfig& c, const YAML::Node& v) { c.breaker_cooldown = As<std::string>(v); }},
      {"respond.listen", [](AgentConfig& c, const YAML::Node& v) { c.respond_listen = As<std::string>(v); }},
      {"respond.socket", [](AgentConfig& c, const YAML::Node& v) { c.respond_socket = As<std::string>(v); }},
      {"respond.socket_uids",
       [](AgentConfig& c, const YAML::Node& v) { c.respond_socket_uids = As<std::vector<uint32_t>>(v); }},
      {"respond.token_file", [](AgentConfig& c, const YAML::Node& v) { c.respond_token_file = As<std::string>(v); }},
      {"respond.tls_cert", [](AgentConfig& c, const YAML::Node& v) { c.respond_tls_cert = As<std::string>(v); }},
      {"respond.tls_key", [](AgentConfig& c, const YAML::Node& v) { c.respond_tls_key = As<std::string>(v); }},
      {"respond.tls_client_ca", [](AgentConfig& c, const YAML::Node& v) { c.respond_tls_client_ca = As<std::string>(v); }},
      {"respond.alerts_per_second",
       [](AgentConfig& c, const YAML::Node& v) { c.respond_alerts_per_second = InRange<double>(v, 0.01, 1e6, "respond.alerts_per_second"); }},
      {"respond.burst",
       [](AgentConfig& c, const YAML::Node& v) { c.respond_burst = InRange<double>(v, 1, 1e6, "respond.burst"); }},
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
