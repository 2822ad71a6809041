// Loads the agent configuration for a subcommand: the --config file, else
// /etc/riposte/riposte.yaml if it exists, else the built-in defaults.
#pragma once

#include "cli/commands.h"
#include "common/result.h"
#include "config/agent_config.h"

namespace riposte {

Result<AgentConfig> LoadConfigFor(const GlobalOptions& global);

// Splits "a,b,c" (as CLI11 gives repeated or comma-separated values).
std::vector<std::string> SplitCommas(const std::vector<std::string>& values);

}  // namespace riposte
