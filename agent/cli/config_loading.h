// Loads the agent configuration for a subcommand: the --config file, else
// /etc/riposte/riposte.yaml if it exists, else the built-in defaults.
#pragma once

#include <optional>

#include "cli/commands.h"
#include "common/host_name.h"
#include "common/result.h"
#include "config/agent_config.h"
#include "output/event_printer.h"

namespace riposte {

Result<AgentConfig> LoadConfigFor(const GlobalOptions& global);

// For the long-running commands (run, respond): takes the agent's signals over before any
// thread starts (alert sinks, the response worker, HTTP workers: a thread with them
// unblocked would take the default action and end the agent without its stop record),
// loads the configuration and applies its log format and level. Errors are printed.
std::optional<AgentConfig> LoadAgentProcessConfig(const GlobalOptions& global);

// Splits "a,b,c" (as CLI11 gives repeated or comma-separated values).
std::vector<std::string> SplitCommas(const std::vector<std::string>& values);

// What `capture` and `replay` both need before they run: the configuration, the output
// format and the event filter, from their flags.
struct PrintSetup {
  AgentConfig config;
  PrintFormat format;
  EventFilter filter;
};
Result<PrintSetup> LoadPrintSetup(const GlobalOptions& global, const std::string& format,
                                  const std::vector<std::string>& types, const std::string& container);

}  // namespace riposte
