#include "pipeline/live_capture.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <set>

#include <spdlog/spdlog.h>

#include "common/agent_signals.h"
#include "decode/record_decoder.h"
#include "kernel/syscall_table.h"

namespace riposte {
namespace {

// SIGINT/SIGTERM/SIGHUP arrive on a signalfd polled by the loop: no handler, no global flag.
class SignalFd {
 public:
  SignalFd() {
    sigset_t set = AgentSignals();
    sigprocmask(SIG_BLOCK, &set, &old_);
    fd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  }
  ~SignalFd() {
    if (fd_ >= 0) close(fd_);
    sigprocmask(SIG_SETMASK, &old_, nullptr);
  }
  // The signal that arrived, or 0.
  int Next() {
    signalfd_siginfo info;
    if (fd_ >= 0 && read(fd_, &info, sizeof(info)) == sizeof(info)) return static_cast<int>(info.ssi_signo);
    return 0;
  }

 private:
  int fd_ = -1;
  sigset_t old_;
};

}  // namespace

std::vector<std::string> ChooseSyscalls(const std::vector<std::string>& requested,
                                        bool add_state_syscalls) {
  std::set<std::string> names(requested.begin(), requested.end());
  if (requested.empty())
    for (auto n : DefaultSyscalls()) names.emplace(n);
  if (add_state_syscalls)
    for (auto n : StateSyscalls()) names.emplace(n);
  return {names.begin(), names.end()};
}

Result<std::unique_ptr<LiveCapture>> LiveCapture::Start(const AgentConfig& config,
                                                        const LiveCaptureOptions& options) {
  std::unique_ptr<LiveCapture> self(new LiveCapture());
  self->options_ = options;
  auto features = ProbeKernelFeatures();
  if (!features) return features.error();
  self->features_ = *features;
  spdlog::info("kernel {}: {}", features->kernel_release, features->Summary());
  spdlog::info("{}", features->CaptureMode());

  self->scanner_ = std::make_unique<ProcScanner>();
  StateConfig state_config;
  state_config.containerd_namespaces = config.containerd_namespaces;
  state_config.interfaces = LocalInterfaces::OfThisHost();
  spdlog::info("{} local addresses (Falco's view of which socket ends are this machine's)",
               state_config.interfaces.addresses().size());
  self->tracker_ = std::make_unique<StateTracker>(state_config, self->scanner_.get(), options.containers);

  CaptureOptions capture;
  capture.syscalls = ChooseSyscalls(
      options.syscalls.empty() ? config.syscalls : options.syscalls, options.add_state_syscalls);
  capture.ring_buffer_bytes = options.ring_buffer_bytes;
  capture.force_hash_stash = options.force_hash_stash;
  capture.force_raw_tracepoint = options.force_raw_tracepoint;
  if (options.force_raw_tracepoint && self->features_.tp_btf)
    spdlog::info("syscall hooks: raw_tracepoint, as asked (tp_btf is available)");
  if (options.force_hash_stash && self->features_.task_storage)
    spdlog::info("entry stash and per-process filter state: hash maps, as asked (task storage is available)");
  // Attach first, then read /proc: a process started in between is in one or the other.
  auto engine = CaptureEngine::Start(capture, self->features_,
                                     [raw = self.get()](std::span<const uint8_t> r) { raw->Handle(r); });
  if (!engine) return engine.error();
  self->engine_ = std::move(*engine);
  spdlog::info("capturing {} syscalls: {}", self->engine_->enabled_syscalls().size(),
               fmt::join(self->engine_->enabled_syscalls(), ","));
  size_t seeded = self->scanner_->ScanAll([&](ProcessInfo p) {
    self->engine_->SeedProcessName(p.pid, p.comm);
    self->tracker_->Seed(std::move(p));
  });
  spdlog::info("process table seeded from /proc: {} processes", seeded);
  return self;
}

Status LiveCapture::SetSyscalls(const std::vector<std::string>& syscalls) {
  return engine_->SetSyscalls(ChooseSyscalls(syscalls, options_.add_state_syscalls));
}

void LiveCapture::ForEachProcess(const std::function<void(const ProcessInfo&)>& on_process) const {
  for (const auto& [pid, p] : tracker_->processes().entries()) on_process(p);
}

void LiveCapture::Handle(std::span<const uint8_t> record) {
  ++counters_.records;
  if (raw_sink_) raw_sink_(record);
  if (auto st = DecodeRecord(record, event_); !st) {
    if (counters_.malformed++ < 10) spdlog::warn("{}", st.error().message);
    return;
  }
  tracker_->Apply(event_);
  counters_.types.Count(event_);
  if (sink_) sink_(event_);
}

Status LiveCapture::Run(RawSink raw, EventSink sink, Tick tick) {
  raw_sink_ = std::move(raw);
  sink_ = std::move(sink);
  SignalFd signals;
  const auto start = std::chrono::steady_clock::now();
  auto last_sweep = start;
  while (true) {
    auto n = engine_->Poll(options_.poll_interval_ms);
    if (!n) return n.error();
    bool hup = false, stop = false;
    for (int sig; (sig = signals.Next()) != 0;) {
      if (sig == SIGHUP) hup = true;
      else stop = true;
    }
    if (stop) break;
    if (tick) tick(hup);
    auto now = std::chrono::steady_clock::now();
    if (options_.duration && now - start >= *options_.duration) break;
    if (options_.max_events && counters_.records >= *options_.max_events) break;
    if (now - last_sweep > std::chrono::seconds(30)) {
      // Exits lost to a full ring buffer would leave processes behind forever.
      size_t gone = tracker_->processes().Sweep(
          [&](const ProcessInfo& p) { return scanner_->IsAlive(p); });
      if (gone) spdlog::debug("swept {} processes whose exit was not seen", gone);
      last_sweep = now;
    }
  }
  (void)engine_->Poll(0);  // what is already in the ring buffer
  return Status::Ok();
}

}  // namespace riposte
