// Presents a decoded, state-enriched event: as a JSON object (one per line in `capture
// --json`) or as one compact line of text.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/wall_time.h"
#include "decode/event.h"

namespace riposte {

nlohmann::json EventToJson(const Event& e, const TimeBase& time);
std::string EventToText(const Event& e, const TimeBase& time);

}  // namespace riposte
