// `riposte replay FILE`: read a capture file back through decode and state, as live.
#include <optional>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "cli/config_loading.h"
#include "cli/detection_setup.h"
#include "rules/rule_engine.h"
#include "decode/record_decoder.h"
#include "pipeline/event_type_counts.h"
#include "output/capture_file.h"
#include "output/event_printer.h"
#include "output/process_snapshot.h"
#include "state/state_tracker.h"

namespace riposte {
namespace {

struct ReplayArgs {
  std::string path;
  std::string format = "json";
  std::vector<std::string> types;
  std::string container;
  DetectionFlags detection;
};

int RunReplay(const ReplayArgs& a, const GlobalOptions& global) {
  auto setup = LoadPrintSetup(global, a.format, a.types, a.container);
  if (!setup) {
    spdlog::error("{}", setup.error().message);
    return 2;
  }
  const AgentConfig& config = setup->config;
  auto reader = CaptureReader::Open(a.path);
  if (!reader) {
    spdlog::error("{}", reader.error().message);
    return 1;
  }
  TimeBase time{(*reader)->header().meta.value("time_base_ns", int64_t{0})};
  StateConfig state_config;
  state_config.containerd_namespaces = config.containerd_namespaces;
  StateTracker tracker(state_config, nullptr);  // /proc here is not the captured host's
  // With rules, replay detects (alerts out); without, it prints the events.
  std::optional<Detection> detection;
  std::unique_ptr<RuleEngine> engine;
  if (!a.detection.rules.empty()) {
    auto d = SetUpDetection(a.detection, config);
    if (!d) {
      spdlog::error("{}", d.error().message);
      return 2;
    }
    detection = std::move(*d);
    engine = std::make_unique<RuleEngine>(detection->rules, detection->min_priority,
                                          (*reader)->header().meta.value("hostname", std::string()));
    setup->format = PrintFormat::kNone;
  }
  EventPrinter printer(setup->format, std::move(setup->filter), stdout, time);
  std::vector<Alert> alerts;

  Event event;
  uint64_t records = 0, snapshots = 0, malformed = 0;
  EventTypeCounts types;
  int rc = 0;
  while (true) {
    FrameType type;
    std::span<const uint8_t> payload;
    auto more = (*reader)->Next(type, payload);
    if (!more) {
      spdlog::error("{}", more.error().message);
      rc = 1;
      break;
    }
    if (!*more) break;
    if (type == FrameType::kProcessSnapshot) {
      auto j = nlohmann::json::parse(payload.begin(), payload.end(), nullptr, false);
      auto p = j.is_discarded() ? Result<ProcessInfo>(Error{"snapshot is not JSON"}) : ProcessFromSnapshot(j);
      if (!p) {
        spdlog::warn("{}: skipping a process snapshot: {}", a.path, p.error().message);
        ++malformed;
        continue;
      }
      tracker.Seed(std::move(*p));
      ++snapshots;
      continue;
    }
    ++records;
    if (auto st = DecodeRecord(payload, event); !st) {
      if (malformed++ < 10) spdlog::warn("{}: record {}: {}", a.path, records, st.error().message);
      continue;
    }
    tracker.Apply(event);
    types.Count(event);
    printer.Print(event);
    if (engine) {
      alerts.clear();
      engine->Evaluate(event, tracker.processes(), time.ToWall(event.ts_boot_ns), alerts);
      for (const auto& alert : alerts) detection->Emit(alert);
    }
  }
  std::fflush(stdout);
  nlohmann::json summary{{"file", a.path}, {"records", records}, {"process_snapshots", snapshots},
                         {"malformed", malformed}, {"printed", printer.printed()},
                         {"per_type", types.ByName()}};
  if (engine) summary["alerts_per_rule"] = engine->alerts_per_rule();
  std::fprintf(stderr, "%s\n", summary.dump().c_str());
  return malformed > 0 ? 1 : rc;
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
  cmd->callback([args, &global] {
    int rc = RunReplay(*args, global);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace riposte
