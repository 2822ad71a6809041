// The live front half of the agent: kernel capture -> decode -> state. It probes the
// kernel, loads and attaches the programs, seeds the process table from /proc, and then
// hands each decoded, state-enriched event to a consumer (the printer today; the rule
// engine later). Single-threaded: one loop drains the ring buffer.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "common/result.h"
#include "config/agent_config.h"
#include "decode/event.h"
#include "kernel/capture_engine.h"
#include "kernel/feature_probe.h"
#include "pipeline/event_type_counts.h"
#include "state/proc_scanner.h"
#include "state/state_tracker.h"

namespace riposte {

struct LiveCaptureOptions {
  std::vector<std::string> syscalls;  // empty: config or the default set
  bool add_state_syscalls = true;     // always add what the state tables need
  uint32_t ring_buffer_bytes = 16u << 20;
  bool force_hash_stash = false;
  bool force_raw_tracepoint = false;
  // How often the ring buffer is drained when the kernel has not woken the agent: the
  // bound on detection latency for everything but execs (which wake it at once).
  int poll_interval_ms = 2;
  std::optional<std::chrono::milliseconds> duration;
  std::optional<uint64_t> max_events;
  ContainerCatalog* containers = nullptr;  // container metadata source (not owned)
};

struct CaptureCounters {
  uint64_t records = 0;
  uint64_t malformed = 0;
  EventTypeCounts types;  // decoded events, per type
};

class LiveCapture {
 public:
  // Raw record (before decoding) and decoded event callbacks.
  using RawSink = std::function<void(std::span<const uint8_t>)>;
  using EventSink = std::function<void(const Event&)>;

  static Result<std::unique_ptr<LiveCapture>> Start(const AgentConfig& config,
                                                    const LiveCaptureOptions& options);

  // Calls `on_process` for each process already known (after the /proc seed).
  void ForEachProcess(const std::function<void(const ProcessInfo&)>& on_process) const;
  // Runs until SIGINT/SIGTERM, the duration, or max_events. Returns an error only if the
  // ring buffer fails. `tick`, when given, runs on the loop's thread after each drain
  // (every poll interval at most), told whether a SIGHUP arrived: the place for reloads.
  using Tick = std::function<void(bool sighup)>;
  Status Run(RawSink raw, EventSink sink, Tick tick = {});
  // Changes what the kernel sends while running (a reload): `syscalls` plus, as at start,
  // what the state tables need.
  Status SetSyscalls(const std::vector<std::string>& syscalls);
  // Handles what the ring buffer holds now, through the sinks Run was given (a reload
  // drains under the old rules before it swaps them).
  Status Drain() {
    auto n = engine_->Poll(0);
    return n ? Status::Ok() : Status(n.error());
  }
  CaptureEngine& engine() { return *engine_; }

  const KernelFeatures& features() const { return features_; }
  const CaptureCounters& counters() const { return counters_; }
  KernelCounters kernel_counters() const { return engine_->ReadCounters(); }
  const StateTracker& state() const { return *tracker_; }
  std::vector<std::string> enabled_syscalls() const { return engine_->enabled_syscalls(); }

 private:
  LiveCapture() = default;
  void Handle(std::span<const uint8_t> record);

  KernelFeatures features_;
  LiveCaptureOptions options_;
  std::unique_ptr<ProcScanner> scanner_;
  std::unique_ptr<StateTracker> tracker_;
  std::unique_ptr<CaptureEngine> engine_;
  Event event_;
  CaptureCounters counters_;
  RawSink raw_sink_;
  EventSink sink_;
};

// The syscall names to enable: `requested` (or the default set when empty), plus the
// state set when asked. Sorted, without duplicates.
std::vector<std::string> ChooseSyscalls(const std::vector<std::string>& requested,
                                        bool add_state_syscalls);

}  // namespace riposte
