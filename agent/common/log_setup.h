// How the agent's own log looks: spdlog lines as text for a terminal, or one JSON object
// per line for a log collector (Kubernetes, journald forwarding), with the message
// escaped so any text — a rule name with quotes, a path with a newline — stays one valid
// object.
#pragma once

#include <string>
#include <string_view>

namespace riposte {

// format: "text" or "json".
void SetLogFormat(std::string_view format);

// The message as the inside of a JSON string.
std::string JsonEscape(std::string_view text);

}  // namespace riposte
