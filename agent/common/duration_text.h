// Durations as people write them in YAML and flags: "250ms", "10s", "5m", "1h"; a bare
// number is seconds.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace riposte {

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

}  // namespace riposte
