// Reading an engine's JSON without trusting its shape: a member of the wrong type reads
// as absent, never as an exception in a watcher thread (nlohmann's value() throws on a
// type mismatch).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace riposte {

inline const nlohmann::json& JsonMember(const nlohmann::json& j, std::string_view key) {
  static const nlohmann::json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

inline std::string JsonText(const nlohmann::json& j, std::string_view key) {
  const auto& v = JsonMember(j, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

inline bool JsonBool(const nlohmann::json& j, std::string_view key) {
  const auto& v = JsonMember(j, key);
  return v.is_boolean() && v.get<bool>();
}

inline int64_t JsonInt(const nlohmann::json& j, std::string_view key) {
  const auto& v = JsonMember(j, key);
  return v.is_number_integer() ? v.get<int64_t>() : 0;
}

}  // namespace riposte
