// `riposte run`: the agent (daemon/agent.h). This file only turns flags into a request.
#include <spdlog/spdlog.h>

#include "cli/agent_flags.h"
#include "cli/commands.h"
#include "cli/config_loading.h"
#include "daemon/agent.h"

namespace riposte {
namespace {

struct RunFlags {
  RunRequest request;
  double duration_s = 0;
  bool no_kernel_filter = false;
};

int RunAgent(const RunFlags& flags, const GlobalOptions& global) {
  auto config = LoadAgentProcessConfig(global);
  if (!config) return 2;
  if (flags.no_kernel_filter) config->kernel_filter = false;
  RunRequest request = flags.request;
  if (flags.duration_s > 0) request.duration = std::chrono::milliseconds(static_cast<int64_t>(flags.duration_s * 1000));
  auto agent = Agent::Create(*config, request);
  if (!agent) {
    spdlog::error("{}", agent.error().message);
    return 2;
  }
  return (*agent)->Run();
}

}  // namespace

void RegisterRunCommand(CLI::App& app, const GlobalOptions& global) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* cmd = app.add_subcommand("run", "Run the agent: detect with the rules on live events, answer with the policies");
  AddVersionFlag(*cmd);
  AddDetectionFlags(*cmd, flags->request.detection, false);
  AddResponseFlags(*cmd, flags->request.response);
  cmd->add_option("--duration", flags->duration_s, "stop after this many seconds (default: until SIGINT/SIGTERM)");
  cmd->add_flag("--no-kernel-filter", flags->no_kernel_filter,
                 "send every record of a captured syscall (the kernel record filter off; same as capture.kernel_filter: false)");
  cmd->add_flag("--hash-stash", flags->request.force_hash_stash,
                 "keep the kernel's per-thread and per-process state in hash maps even if task storage works "
                 "(what kernels before 5.11 get; for comparison and tests)");
  cmd->callback([flags, &global] {
    int rc = RunAgent(*flags, global);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace riposte
