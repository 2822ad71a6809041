// The flight recorder: the last seconds of kernel records, kept in memory so that evidence
// of what happened *before* an alert exists when the alert is answered.
//
// The capture thread hands it every record it decodes (Record, after the state stage: the
// record's process and container are known then) and services it between ring passes
// (Service). The ring is a list of fixed-size blocks of {entry header, raw record bytes};
// whole blocks leave it when their newest record is older than the window or the bytes
// exceed the bound, so recording is a copy into the current block and nothing else.
//
// A `capture` step (responders/evidence_capture.h) asks for a capture from any thread
// (Request): the capture thread, at its next Service, snapshots the processes in scope
// (it owns the process table), copies the ring's records in scope from the last `before`
// and keeps copying new ones for `after`. Then the capture is closed on the recorder's own
// writer thread: written as a capture file `riposte replay` reads (header, process
// snapshots, records), fsync'd, hashed, and reported through `on_closed` (the agent
// audits it). Several captures run at once, each with its own scope and bound.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "decode/event.h"
#include "state/process_table.h"

namespace riposte {

struct RecorderLimits {
  std::chrono::milliseconds window{std::chrono::seconds(30)};
  uint64_t max_bytes = 64ull << 20;
  uint32_t block_bytes = 1u << 20;  // the unit memory is taken and given back in
  // Captures running or waiting to be written at once: each holds up to its max_bytes, so
  // a storm of alerts must not turn into a storm of copies. Past it a capture is refused.
  size_t max_captures = 8;
};

// What a capture keeps: the alert's container, every container of its pod, its process
// tree, or everything.
enum class CaptureScope { kContainer, kPod, kProcessTree, kHost };
std::string_view CaptureScopeName(CaptureScope scope);
std::optional<CaptureScope> CaptureScopeOf(std::string_view name);

struct CaptureSpec {
  std::string alert_id;
  std::string policy;
  std::string step;
  CaptureScope scope = CaptureScope::kContainer;
  // The alert's process (pid + start time name it) and container ("" or "host": none).
  uint32_t pid = 0;
  uint64_t start_boottime_ns = 0;
  std::string container_id;
  std::string pod_uid;  // scope pod ("" outside Kubernetes: the container alone)
  std::chrono::milliseconds before{std::chrono::seconds(5)};
  std::chrono::milliseconds after{std::chrono::seconds(5)};
  uint64_t max_bytes = 16ull << 20;  // records kept; past it the capture closes early, truncated
  std::string path;                  // the file to write (created 0600, never replaced)
  nlohmann::json meta;               // extra header fields (the alert, the policy)
  bool dry_run = false;              // count what would be kept; keep nothing
};

// What a capture's start found (returned to the step).
struct CaptureStarted {
  uint64_t events_before = 0;
  uint64_t bytes_before = 0;
  uint64_t processes = 0;  // snapshots
  int64_t from_wall_ns = 0;   // the oldest record kept (0: none)
  int64_t closes_at_wall_ns = 0;
  std::string container_id;   // the scope's container, as the process table names it
  CaptureScope scope = CaptureScope::kContainer;  // what is kept (a narrower one when the asked one does not apply)
};

// A capture written and closed (handed to on_closed on the writer thread).
struct CaptureClosed {
  CaptureSpec spec;
  std::string sha256;  // of the whole file
  uint64_t size = 0;
  uint64_t events = 0;
  uint64_t processes = 0;
  int64_t first_wall_ns = 0, last_wall_ns = 0;  // the records' time range (0: none)
  bool truncated = false;                        // max_bytes was reached
  std::string cut_short;                         // why it closed before its time ("": it did not)
  std::string error;                             // the file could not be written
};

struct RecorderStats {
  uint64_t bytes_held = 0;   // blocks in use, in bytes (the memory the ring takes)
  uint64_t records_held = 0;
  uint64_t records_total = 0;
  uint64_t captures_started = 0;
  uint64_t captures_closed = 0;
  uint64_t captures_active = 0;
};

class FlightRecorder {
 public:
  using OnClosed = std::function<void(const CaptureClosed&)>;
  // `wall_minus_boot_ns` converts record times (boot clock) to wall time.
  FlightRecorder(RecorderLimits limits, int64_t wall_minus_boot_ns, OnClosed on_closed);
  ~FlightRecorder();  // Stop()
  FlightRecorder(const FlightRecorder&) = delete;
  FlightRecorder& operator=(const FlightRecorder&) = delete;

  // Capture thread: keeps the event's record (after the state stage has attached its process).
  void Record(const Event& event);
  // Capture thread, between ring passes: starts requested captures, ends those whose time
  // is up, gives back blocks older than the window. `header` is the capture files' header
  // (time base, host, syscalls).
  void Service(const ProcessTable& processes, const nlohmann::json& header);

  // Any thread: asks for a capture and waits (up to `wait`) for the capture thread to
  // start it. An error when the recorder is stopping or the capture thread did not answer.
  Result<CaptureStarted> Request(CaptureSpec spec, std::chrono::milliseconds wait = std::chrono::seconds(2));

  // Closes every running capture now (each marked as cut short by the stop) and waits for
  // the files to be written: call before whatever on_closed writes to goes away.
  void Stop();

  RecorderStats stats() const;
  const RecorderLimits& limits() const { return limits_; }

 private:
  struct Block;
  struct Capture;
  struct Pending {
    CaptureSpec spec;
    std::promise<Result<CaptureStarted>> started;
  };

  void Evict(int64_t now_boot_ns);
  void Start(Pending& pending, const ProcessTable& processes, const nlohmann::json& header, int64_t now_boot_ns);
  void Close(std::unique_ptr<Capture> capture);
  void WriterLoop();

  const RecorderLimits limits_;
  const int64_t wall_minus_boot_ns_;
  OnClosed on_closed_;

  // The ring: capture thread only.
  std::deque<std::unique_ptr<Block>> blocks_;
  std::vector<std::unique_ptr<Block>> spare_;  // given back, reused
  std::vector<std::unique_ptr<Capture>> active_;
  // The container of the last record's process, and its tag.
  std::string last_container_id_;
  uint64_t last_tag_ = 0;

  mutable std::mutex mu_;  // what other threads touch
  std::vector<std::unique_ptr<Pending>> requests_;
  std::deque<std::unique_ptr<Capture>> to_write_;
  std::condition_variable writer_cv_;
  bool stopping_ = false;
  RecorderStats stats_;
  std::thread writer_;
};

// The tag the recorder keeps per record for its container ("" or "host": 0).
uint64_t ContainerTag(std::string_view container_id);

}  // namespace riposte
