// A ProcessInfo as JSON, for the process-table snapshot at the head of a capture file.
#pragma once

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "state/process_info.h"

namespace riposte {

nlohmann::json ProcessToSnapshot(const ProcessInfo& p);
Result<ProcessInfo> ProcessFromSnapshot(const nlohmann::json& j);

}  // namespace riposte
