// Each subcommand registers itself on the CLI11 app; main() only assembles them.
#pragma once

#include <CLI/CLI.hpp>

namespace riposte {

// Options every subcommand shares.
struct GlobalOptions {
  std::string log_level = "info";
  bool log_level_given = false;  // --log-level on the command line: wins over the config
  std::string config_path;  // empty: /etc/riposte/riposte.yaml if it exists
};

void RegisterCaptureCommand(CLI::App& app, const GlobalOptions& global);
void RegisterReplayCommand(CLI::App& app, const GlobalOptions& global);
void RegisterProbeCommand(CLI::App& app, const GlobalOptions& global);
void RegisterSyscallsCommand(CLI::App& app);
void RegisterRulesCommand(CLI::App& app);
void RegisterRunCommand(CLI::App& app, const GlobalOptions& global);
void RegisterFieldsCommand(CLI::App& app);
void RegisterRespondCommand(CLI::App& app, const GlobalOptions& global);
void RegisterContainerCommand(CLI::App& app, const GlobalOptions& global);  // container list/pause/resume/stop/kill
void RegisterQuarantineCommand(CLI::App& app, const GlobalOptions& global);  // quarantine list/release
// exec --profile P -- CMD: `command` is what followed `--` (main splits it off, so the
// command's own options never reach the option parser).
void RegisterExecCommand(CLI::App& app, const std::vector<std::string>& command, const GlobalOptions& global);
void RegisterSeccompCommand(CLI::App& app, const GlobalOptions& global);  // seccomp show CONTAINER
void RegisterPolicyCommand(CLI::App& app);
void RegisterAuditCommands(CLI::App& app);  // audit verify, tune
void RegisterEvidenceCommand(CLI::App& app);  // evidence list, show, export

// Adds --version to a subcommand (CLI11 only puts it on the top level by itself).
void AddVersionFlag(CLI::App& cmd);

}  // namespace riposte
