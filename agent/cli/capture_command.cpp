// `riposte capture`: print (and optionally record) what the kernel sees.
#include <unistd.h>

#include <chrono>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "cli/config_loading.h"
#include "common/agent_signals.h"
#include "kernel/syscall_table.h"
#include "output/capture_file.h"
#include "output/event_printer.h"
#include "output/process_snapshot.h"
#include "pipeline/live_capture.h"

namespace riposte {
namespace {

struct CaptureArgs {
  std::string format = "json";
  std::vector<std::string> types;
  std::string container;
  std::vector<std::string> syscalls;
  bool all_known = false;
  std::string write_path;
  double duration_s = 0;
  uint64_t max_events = 0;
  uint32_t ring_mb = 0;
  bool stats = false;
  bool hash_stash = false;
  bool raw_tracepoint = false;
};

int RunCapture(const CaptureArgs& a, const GlobalOptions& global) {
  TakeOverAgentSignals();  // a stop asked for during start-up is obeyed once the loop runs
  auto setup = LoadPrintSetup(global, a.format, a.types, a.container);
  if (!setup) {
    spdlog::error("{}", setup.error().message);
    return 2;
  }
  const AgentConfig& config = setup->config;
  LiveCaptureOptions options;
  options.syscalls = SplitCommas(a.syscalls);
  if (a.all_known) {
    options.syscalls.clear();
    for (const auto& s : KnownSyscalls()) options.syscalls.emplace_back(s.name);
  }
  options.ring_buffer_bytes = (a.ring_mb ? a.ring_mb : config.ring_buffer_mb) << 20;
  options.force_hash_stash = a.hash_stash;
  options.force_raw_tracepoint = a.raw_tracepoint;
  if (a.duration_s > 0)
    options.duration = std::chrono::milliseconds(static_cast<int64_t>(a.duration_s * 1000));
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
      std::string text = ProcessToSnapshot(p).dump();
      auto st = writer->Write(FrameType::kProcessSnapshot,
                              {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
      if (!st) snapshot_status = st;
    });
    if (!snapshot_status) {
      spdlog::error("{}", snapshot_status.error().message);
      return 1;
    }
  }

  EventPrinter printer(setup->format, std::move(setup->filter), stdout, time);
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

}  // namespace

void RegisterCaptureCommand(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<CaptureArgs>();
  CLI::App* cmd = app.add_subcommand("capture", "Print the events the kernel sees (and record them with --write)");
  AddVersionFlag(*cmd);
  cmd->add_option("--format", args->format, "json, text or none")->capture_default_str();
  cmd->add_option("--type,-t", args->types, "only these event types (syscall names, procexec, procfork, procexit); comma-separated");
  cmd->add_option("--container,-c", args->container, "only this container (id or id prefix), or 'host'");
  cmd->add_option("--syscalls", args->syscalls, "syscalls to capture (comma-separated); default: the typical rule-driven set");
  cmd->add_flag("--all-known", args->all_known, "capture every syscall riposte knows (incl. read/write)");
  cmd->add_option("--write,-w", args->write_path, "also record everything to this capture file for `riposte replay`");
  cmd->add_option("--duration", args->duration_s, "stop after this many seconds");
  cmd->add_option("--count", args->max_events, "stop after this many records");
  cmd->add_option("--ring-buffer-mb", args->ring_mb, "ring buffer size in MiB (power of two)");
  cmd->add_flag("--stats", args->stats, "print a JSON summary (rates, drops per CPU) on stderr at the end");
  cmd->add_flag("--hash-stash", args->hash_stash, "stash entry arguments in a hash map even if task storage works");
  cmd->add_flag("--raw-tracepoint", args->raw_tracepoint,
                "hook syscalls with raw_tracepoint programs even if tp_btf works (the fallback; for comparison)");
  cmd->callback([args, &global] {
    int rc = RunCapture(*args, global);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace riposte
