// The flags `run`, `replay` and `respond` share: which rules and outputs detect, which
// policies, mode and audit log answer. They fill the daemon's requests; nothing more.
#pragma once

#include <CLI/CLI.hpp>

#include "daemon/detection_setup.h"
#include "daemon/response_setup.h"

namespace riposte {

void AddDetectionFlags(CLI::App& cmd, DetectionRequest& request, bool rules_required);
void AddResponseFlags(CLI::App& cmd, ResponseRequest& request);

}  // namespace riposte
