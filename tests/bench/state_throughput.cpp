// Userspace cost per event of decode + state (what every event pays before the rules),
// on one core, over a mix shaped like a busy host: opens and closes dominate, with
// sockets, execs, forks and exits. Prints events/s and ns per event; and the same with the
// flight recorder keeping every event (its own cost per event is the difference).
#include <fcntl.h>
#include <sys/socket.h>

#include <functional>

#include <benchmark/benchmark.h>

#include "decode/record_decoder.h"
#include "evidence/flight_recorder.h"
#include "state/state_tracker.h"
#include "unit/record_builder.h"

namespace riposte::testing {
namespace {

std::vector<RawRecord> Mix() {
  std::vector<RawRecord> mix;
  const uint64_t cwd = static_cast<uint64_t>(AT_FDCWD);
  for (int i = 0; i < 40; ++i) {
    mix.push_back(SyscallRecord(SYS_openat, 3, {cwd, 0, O_RDONLY | O_CLOEXEC}, "/usr/lib/x86_64-linux-gnu/libc.so.6"));
    mix.push_back(SyscallRecord(SYS_close, 0, {3}));
  }
  for (int i = 0; i < 5; ++i) {
    mix.push_back(SyscallRecord(SYS_openat, 4, {cwd, 0, O_WRONLY | O_CREAT}, "logs/app.log"));
    mix.push_back(SyscallRecord(SYS_close, 0, {4}));
  }
  mix.push_back(SyscallRecord(SYS_socket, 5, {AF_INET, SOCK_STREAM, 0}));
  mix.push_back(SyscallRecord(SYS_close, 0, {5}));
  mix.push_back(ForkRecord(100, 101));
  mix.push_back(ExecRecord(101, 100, "/usr/bin/cat", {"cat", "/etc/hostname"}, "/default/web"));
  mix.push_back(SyscallRecord(SYS_execve, 0, {}, "/usr/bin/cat", {}, 101));
  mix.push_back(ExitRecord(101));
  return mix;
}

// Decodes the mix into state over and over, handing each event to `also` (one indirect
// call per event in both benchmarks alike).
void RunMix(benchmark::State& state, const std::function<void(const Event&)>& also) {
  StateTracker tracker(StateConfig{}, nullptr);
  ProcessInfo shell;
  shell.pid = 100;
  shell.ppid = 1;
  shell.cwd = "/srv/app";
  tracker.Seed(shell);
  auto mix = Mix();
  Event e;
  uint64_t events = 0;
  for (auto _ : state) {
    for (const auto& rec : mix) {
      if (DecodeRecord(rec.bytes(), e).ok()) {
        tracker.Apply(e);
        also(e);
      }
      benchmark::DoNotOptimize(e.process);
    }
    events += mix.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(events));
  state.counters["ns_per_event"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_DecodeAndState(benchmark::State& state) {
  RunMix(state, [](const Event&) {});
}
BENCHMARK(BM_DecodeAndState)->MinTime(1.0);

// The same, with every event also kept by the flight recorder at its default bounds (the
// ring full after the first seconds): the recorder's own cost per event is the difference.
void BM_DecodeStateAndRecorder(benchmark::State& state) {
  FlightRecorder recorder(RecorderLimits{}, 0, nullptr);
  RunMix(state, [&](const Event& e) { recorder.Record(e); });
}
BENCHMARK(BM_DecodeStateAndRecorder)->MinTime(1.0);

}  // namespace
}  // namespace riposte::testing

BENCHMARK_MAIN();
