// What riposte's OCSF and ECS renderings have in common: the schema versions they follow,
// how riposte names itself in them, and how a Falco priority maps onto OCSF's severity.
// The renderings themselves: output/alert_formats.h (alerts), audit/record_formats.h
// (audit records).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/wall_time.h"

namespace riposte {

inline constexpr std::string_view kOcsfVersion = "1.3.0";
inline constexpr std::string_view kEcsVersion = "8.11.0";

// Reading what is rendered: records and alerts (an alert may come from a remote Falco)
// are read, never trusted, so a member of an unexpected type reads as absent instead of
// throwing. A number where text is expected reads as its digits.
inline std::string TextOf(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  if (it == j.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  return {};
}
inline int64_t NumberOf(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return 0;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return 0;
  return it->is_number_float() ? static_cast<int64_t>(it->get<double>()) : it->get<int64_t>();
}
inline nlohmann::json ArrayOf(const nlohmann::json& j, const char* key) {
  auto it = j.is_object() ? j.find(key) : j.end();
  return it != j.end() && it->is_array() ? *it : nlohmann::json::array();
}
inline nlohmann::json ObjectOf(const nlohmann::json& j, const char* key) {
  auto it = j.is_object() ? j.find(key) : j.end();
  return it != j.end() && it->is_object() ? *it : nlohmann::json::object();
}

// OCSF's metadata object (metadata.product and metadata.version are required).
inline nlohmann::ordered_json OcsfMetadata(std::string_view product_version) {
  return {{"version", kOcsfVersion},
          {"product", {{"name", "riposte"}, {"vendor_name", "riposte"}, {"version", product_version}}}};
}

// OCSF's timestamp_t (milliseconds since the epoch) of an RFC 3339 time; 0 when unreadable.
inline int64_t OcsfTimeOf(const std::string& rfc3339) {
  const auto ns = ParseRfc3339(rfc3339);
  return ns ? *ns / 1000000 : 0;
}

// OCSF severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical, 6 Fatal (0 Unknown).
inline int OcsfSeverityOf(std::string_view falco_priority) {
  struct Pair {
    std::string_view priority;
    int severity;
  };
  static constexpr Pair kMap[] = {{"Emergency", 6}, {"Alert", 5},         {"Critical", 5}, {"Error", 4},
                                  {"Warning", 3},   {"Notice", 2},        {"Informational", 1},
                                  {"Info", 1},      {"Debug", 1}};
  for (const auto& p : kMap)
    if (p.priority.size() == falco_priority.size() &&
        std::equal(p.priority.begin(), p.priority.end(), falco_priority.begin(),
                   [](char a, char b) { return (a | 32) == (b | 32); }))
      return p.severity;
  return 0;
}

}  // namespace riposte
