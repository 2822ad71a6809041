// `riposte replay FILE`: read a capture file back through decode and state, as live
// (daemon/replay_session.h). This file only turns flags into a request.
#include <spdlog/spdlog.h>

#include "cli/agent_flags.h"
#include "cli/commands.h"
#include "cli/config_loading.h"
#include "daemon/replay_session.h"

namespace riposte {
namespace {

struct ReplayArgs {
  std::string path;
  std::string format = "json";
  std::vector<std::string> types;
  std::string container;
  DetectionRequest detection;
  bool kernel_filter = false;
};

int RunReplay(const ReplayArgs& a, const GlobalOptions& global) {
  auto setup = LoadPrintSetup(global, a.format, a.types, a.container);
  if (!setup) {
    spdlog::error("{}", setup.error().message);
    return 2;
  }
  return RunReplaySession(setup->config,
                          ReplayRequest{a.path, setup->format, std::move(setup->filter), a.detection, a.kernel_filter});
}

}  // namespace

void RegisterReplayCommand(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<ReplayArgs>();
  CLI::App* cmd = app.add_subcommand("replay", "Read a capture file (from `capture --write`) back through decoding and state");
  AddVersionFlag(*cmd);
  cmd->add_option("file", args->path, "capture file")->required();
  cmd->add_option("--format", args->format, "json, text or none")->capture_default_str();
  cmd->add_option("--type,-t", args->types, "only these event types; comma-separated");
  cmd->add_option("--container,-c", args->container, "only this container (id or prefix), or 'host'");
  AddDetectionFlags(*cmd, args->detection, false);
  cmd->add_flag("--kernel-filter", args->kernel_filter,
                "leave out what the kernel record filter would have left out for these rules (as `run` sees it)");
  cmd->callback([args, &global] {
    int rc = RunReplay(*args, global);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace riposte
