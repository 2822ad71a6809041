// riposte: runtime protection that detects and answers. See README.md.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <string_view>

#include "cli/commands.h"
#include "common/log_setup.h"
#include "kernel/libbpf_logging.h"
#include "version.h"

int main(int argc, char** argv) {
  CLI::App app{"riposte: detect suspicious behaviour with eBPF and Falco-compatible rules, and answer it"};
  app.set_version_flag("--version", std::string("riposte ") + riposte::kVersion);
  app.require_subcommand(1);
  riposte::GlobalOptions global;
  // `riposte exec ... -- CMD ARGS`: everything after the first `--` is the command's.
  std::vector<std::string> exec_command;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--") {
      exec_command.assign(argv + i + 1, argv + argc);
      argc = i;
      break;
    }
  }
  app.add_option("--log-level", global.log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  app.add_option("--config", global.config_path,
                 "agent configuration (YAML); default /etc/riposte/riposte.yaml if present");
  app.parse_complete_callback([&] {
    global.log_level_given = app.count("--log-level") > 0;
    spdlog::set_level(spdlog::level::from_str(global.log_level));
  });

  riposte::RegisterCaptureCommand(app, global);
  riposte::RegisterReplayCommand(app, global);
  riposte::RegisterProbeCommand(app, global);
  riposte::RegisterSyscallsCommand(app);
  riposte::RegisterRulesCommand(app);
  riposte::RegisterRunCommand(app, global);
  riposte::RegisterFieldsCommand(app);
  riposte::RegisterRespondCommand(app, global);
  riposte::RegisterContainerCommand(app, global);
  riposte::RegisterQuarantineCommand(app, global);
  riposte::RegisterExecCommand(app, exec_command, global);
  riposte::RegisterSeccompCommand(app, global);
  riposte::RegisterPolicyCommand(app);
  riposte::RegisterAuditCommands(app);
  riposte::RegisterEvidenceCommand(app);

  // --version answers on every subcommand, before anything the subcommand requires (a
  // positional file, a subcommand of its own) is checked. Arguments after "--" belong to
  // the command `riposte exec` runs.
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") break;
    if (a == "--version") {
      std::printf("riposte %s\n", riposte::kVersion);
      return 0;
    }
  }
  spdlog::set_default_logger(spdlog::stderr_color_mt("riposte"));
  riposte::SetLogFormat("text");
  riposte::RouteLibbpfLogToSpdlog();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
