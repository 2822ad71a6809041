#include "daemon/capture_session.h"

#include <unistd.h>

#include <chrono>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "common/host_name.h"
#include "common/json_text.h"
#include "kernel/syscall_table.h"
#include "output/capture_file.h"
#include "output/process_snapshot.h"
#include "pipeline/live_capture.h"

namespace riposte {

int RunCaptureSession(const AgentConfig& config, CaptureRequest a) {
  LiveCaptureOptions options;
  options.syscalls = a.syscalls;
  if (a.all_known) {
    options.syscalls.clear();
    for (const auto& s : KnownSyscalls()) options.syscalls.emplace_back(s.name);
  }
  options.ring_buffer_bytes = (a.ring_mb ? a.ring_mb : config.ring_buffer_mb) << 20;
  options.force_hash_stash = a.hash_stash;
  options.force_raw_tracepoint = a.raw_tracepoint;
  if (a.duration.count() > 0) options.duration = a.duration;  // zero: until a signal or the count
  if (a.max_events > 0) options.max_events = a.max_events;

  auto live = LiveCapture::Start(config, options);
  if (!live) {
    spdlog::error("{}", live.error().message);
    return 1;
  }
  const TimeBase time = TimeBase::Now();
  std::unique_ptr<CaptureWriter> writer;
  if (!a.write_path.empty()) {
    nlohmann::json meta{{"time_base_ns", time.wall_minus_boot_ns}, {"hostname", HostName()},
                        {"syscalls", (*live)->enabled_syscalls()}};
    auto w = CaptureWriter::Create(a.write_path, meta);
    if (!w) {
      spdlog::error("{}", w.error().message);
      return 1;
    }
    writer = std::move(*w);
    Status snapshot_status;
    (*live)->ForEachProcess([&](const ProcessInfo& p) {
      std::string text = JsonText(ProcessToSnapshot(p));
      auto st = writer->Write(FrameType::kProcessSnapshot,
                              {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
      if (!st) snapshot_status = st;
    });
    if (!snapshot_status) {
      spdlog::error("{}", snapshot_status.error().message);
      return 1;
    }
  }

  EventPrinter printer(a.format, std::move(a.filter), stdout, time);
  Status write_status;
  LiveCapture::RawSink raw;
  if (writer) {
    raw = [&](std::span<const uint8_t> rec) {
      if (write_status) write_status = writer->Write(FrameType::kKernelRecord, rec);
    };
  }
  const auto started = std::chrono::steady_clock::now();
  auto st = (*live)->Run(raw, [&](const Event& e) { printer.Print(e); });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fflush(stdout);
  if (writer) {
    if (write_status) write_status = writer->Flush();
    if (!write_status) spdlog::error("{}", write_status.error().message);
  }

  const auto kc = (*live)->kernel_counters();
  const auto& cc = (*live)->counters();
  nlohmann::json summary{{"seconds", seconds},
                         {"records", cc.records},
                         {"events_per_second", seconds > 0 ? cc.records / seconds : 0.0},
                         {"malformed", cc.malformed},
                         {"printed", printer.printed()},
                         {"kernel_sent", kc.sent},
                         {"kernel_dropped", kc.dropped_ring_full},
                         {"kernel_dropped_per_cpu", kc.dropped_per_cpu},
                         {"stash_failures", kc.stash_failures},
                         {"kernel_left_out", kc.filtered},
                         {"per_syscall", [&] {
                            nlohmann::json per = nlohmann::json::object();
                            for (const auto& [name, n] : kc.per_syscall)
                              per[name] = {{"sent", n.sent}, {"left_out", n.filtered}};
                            return per;
                          }()},
                         {"processes", (*live)->state().processes().size()},
                         {"per_type", cc.types.ByName()}};
  if (kc.dropped_ring_full > 0)
    spdlog::warn("the kernel dropped {} records: the ring buffer was full", kc.dropped_ring_full);
  if (a.stats) std::fprintf(stderr, "%s\n", summary.dump().c_str());
  else spdlog::info("capture done: {} records in {:.1f}s, {} dropped", cc.records, seconds, kc.dropped_ring_full);
  if (!st) {
    spdlog::error("{}", st.error().message);
    return 1;
  }
  return write_status ? 0 : 1;
}

}  // namespace riposte
