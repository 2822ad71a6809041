// `riposte run`: the agent. Live capture -> decode -> state -> rules -> alerts.
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "cli/config_loading.h"
#include "cli/detection_setup.h"
#include "kernel/syscall_table.h"
#include "output/event_format.h"
#include "pipeline/live_capture.h"
#include "rules/rule_engine.h"

namespace riposte {
namespace {

// The kernel sends what the rules can match: every syscall an enabled rule names. A rule
// that names no event type would need every syscall; the default set stands in for it.
std::vector<std::string> SyscallsForRules(const RuleSet& rules) {
  bool any = false;
  std::vector<std::string> out;
  for (const auto& t : rules.EventTypes(&any))
    if (FindSyscall(t)) out.push_back(t);
  if (any)
    for (auto n : DefaultSyscalls()) out.emplace_back(n);
  return out;
}

int RunAgent(const DetectionFlags& flags, double duration_s, const GlobalOptions& global) {
  auto config = LoadConfigFor(global);
  if (!config) {
    spdlog::error("{}", config.error().message);
    return 2;
  }
  auto detection = SetUpDetection(flags, config->rules);
  if (!detection) {
    spdlog::error("{}", detection.error().message);
    return 2;
  }
  LiveCaptureOptions options;
  options.syscalls = SyscallsForRules(*detection->rules);
  options.ring_buffer_bytes = config->ring_buffer_mb << 20;
  if (duration_s > 0) options.duration = std::chrono::milliseconds(static_cast<int64_t>(duration_s * 1000));
  auto live = LiveCapture::Start(*config, options);
  if (!live) {
    spdlog::error("{}", live.error().message);
    return 1;
  }
  RuleEngine engine(detection->rules, detection->min_priority, HostName());
  const TimeBase time = TimeBase::Now();
  std::vector<Alert> alerts;
  const StateTracker& state = (*live)->state();
  spdlog::info("riposte is running");
  auto st = (*live)->Run(nullptr, [&](const Event& e) {
    alerts.clear();
    engine.Evaluate(e, state.processes(), time.ToWall(e.ts_boot_ns), alerts);
    for (const auto& a : alerts) detection->Emit(a);
  });
  uint64_t total = 0;
  for (const auto& [rule, n] : engine.alerts_per_rule()) total += n;
  spdlog::info("stopped: {} events, {} alerts, {} records dropped by the kernel", engine.events(), total,
               (*live)->kernel_counters().dropped_ring_full);
  if (!st) {
    spdlog::error("{}", st.error().message);
    return 1;
  }
  return 0;
}

}  // namespace

void RegisterRunCommand(CLI::App& app, const GlobalOptions& global) {
  auto flags = std::make_shared<DetectionFlags>();
  auto duration = std::make_shared<double>(0);
  CLI::App* cmd = app.add_subcommand("run", "Run the agent: detect with the rules on live events, alerts out");
  AddVersionFlag(*cmd);
  AddDetectionFlags(*cmd, *flags, false);
  cmd->add_option("--duration", *duration, "stop after this many seconds (default: until SIGINT/SIGTERM)");
  cmd->callback([flags, duration, &global] {
    int rc = RunAgent(*flags, *duration, global);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace riposte
