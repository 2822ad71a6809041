// Reading and checking the parameters several responders share: durations ("10s",
// "500ms", or a number of seconds) and byte sizes.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace riposte {

// params[key] as a duration, or `dflt` when absent (checked at load by CheckDuration).
std::chrono::milliseconds DurationParam(const nlohmann::json& params, const char* key, std::chrono::milliseconds dflt);
Status CheckDuration(const nlohmann::json& value, const std::string& key);
// A duration param within [0, max]: a message naming it, or Ok.
Status CheckDurationAtMost(const nlohmann::json& params, const char* key, std::chrono::milliseconds max);
// params[key] as a positive byte count (a number), or `dflt`.
uint64_t BytesParam(const nlohmann::json& params, const char* key, uint64_t dflt);
Status CheckBytes(const nlohmann::json& params, const char* key, uint64_t max);
// The wall-clock time of boot (realtime - boottime), to turn the kernel's times into dates.
int64_t BootEpochNs();

}  // namespace riposte
