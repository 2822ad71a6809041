// JSON as text when the strings in it are the attacker's: argv, environments, file names,
// labels may hold bytes that are not UTF-8, on which nlohmann's dump() throws. Those bytes
// are replaced (U+FFFD) instead, so one hostile process name never costs a record, an
// evidence file or the agent.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace riposte {

template <typename Json>
std::string JsonText(const Json& j, int indent = -1) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace riposte
