#include "daemon/replay_session.h"

#include <map>
#include <optional>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "decode/record_decoder.h"
#include "output/capture_file.h"
#include "output/container_snapshot.h"
#include "output/process_snapshot.h"
#include "pipeline/event_type_counts.h"
#include "kernel/record_filter.h"
#include "rules/kernel_filter_derivation.h"
#include "rules/rule_engine.h"
#include "state/state_tracker.h"

namespace riposte {
namespace {

// The containers a capture describes (flight recorder captures carry them): what the live
// agent knew, handed to the state stage as a runtime would. A container the capture does
// not describe has no entry, as in a replay without them.
class CapturedContainers : public ContainerCatalog {
 public:
  void Add(ContainerInfo info) {
    auto entry = std::make_shared<ContainerEntry>(info.id);
    entry->Publish(std::move(info));
    entries_[entry->id()] = std::move(entry);
  }
  std::shared_ptr<ContainerEntry> EntryFor(const std::string& id, std::string_view) override {
    auto it = entries_.find(id);
    return it == entries_.end() ? nullptr : it->second;
  }

 private:
  std::map<std::string, std::shared_ptr<ContainerEntry>> entries_;
};

// A snapshot frame's JSON read by `read` (ProcessFromSnapshot, ContainerFromSnapshot).
template <typename Read>
auto ReadSnapshot(std::span<const uint8_t> payload, Read read) -> decltype(read(nlohmann::json())) {
  auto j = nlohmann::json::parse(payload.begin(), payload.end(), nullptr, false);
  if (j.is_discarded()) return Error{"snapshot is not JSON"};
  return read(j);
}

}  // namespace

int RunReplaySession(const AgentConfig& config, ReplayRequest a) {
  auto reader = CaptureReader::Open(a.path);
  if (!reader) {
    spdlog::error("{}", reader.error().message);
    return 1;
  }
  TimeBase time{(*reader)->header().meta.value("time_base_ns", int64_t{0})};
  StateConfig state_config;
  state_config.containerd_namespaces = config.containerd_namespaces;
  CapturedContainers containers;
  StateTracker tracker(state_config, nullptr, &containers);  // /proc here is not the captured host's
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
    a.format = PrintFormat::kNone;
  }
  std::optional<RecordFilterModel> filter;
  if (a.kernel_filter) {
    if (!detection) {
      spdlog::error("--kernel-filter needs rules: the filter is derived from them");
      return 2;
    }
    auto derived = DeriveRecordFilter(*detection->rules, CapturedSyscallsForRules(*detection->rules));
    for (const auto& note : derived.notes) spdlog::info("kernel record filter: {}", note);
    auto model = RecordFilterModel::Create(derived.plan);
    if (!model) {
      spdlog::error("kernel record filter: {}", model.error().message);
      return 2;
    }
    filter = std::move(*model);
  }
  EventPrinter printer(a.format, std::move(a.filter), stdout, time);
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
    if (type == FrameType::kContainerSnapshot) {
      auto c = ReadSnapshot(payload, ContainerFromSnapshot);
      if (!c) {
        spdlog::warn("{}: skipping a container snapshot: {}", a.path, c.error().message);
        ++malformed;
      } else {
        containers.Add(std::move(*c));
      }
      continue;
    }
    if (type == FrameType::kProcessSnapshot) {
      auto p = ReadSnapshot(payload, ProcessFromSnapshot);
      if (!p) {
        spdlog::warn("{}: skipping a process snapshot: {}", a.path, p.error().message);
        ++malformed;
        continue;
      }
      if (filter) filter->SeedName(p->pid, p->comm);
      tracker.Seed(std::move(*p));
      ++snapshots;
      continue;
    }
    ++records;
    if (filter && !filter->Sends(payload)) continue;
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
  if (engine) detection->Flush();
  std::fflush(stdout);
  nlohmann::json summary{{"file", a.path}, {"records", records}, {"process_snapshots", snapshots},
                         {"malformed", malformed}, {"printed", printer.printed()},
                         {"per_type", types.ByName()}};
  if (engine) summary["alerts_per_rule"] = engine->alerts_per_rule();
  if (filter) summary["kernel_filter_left_out"] = filter->kept_back();
  std::fprintf(stderr, "%s\n", summary.dump().c_str());
  return malformed > 0 ? 1 : rc;
}

}  // namespace riposte
