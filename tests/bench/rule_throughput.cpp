// Rule-engine throughput: a capture of a mixed workload (opens/reads/closes, execs of
// common tools, loopback connects) recorded live, then replayed in memory through
// decode -> state -> rules with Falco's stable rules plus riposte's defaults loaded.
// Prints events/s on one core and ns per event, with and without the rules stage.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "decode/record_decoder.h"
#include "output/capture_file.h"
#include "output/process_snapshot.h"
#include "rules/rule_engine.h"
#include "state/state_tracker.h"

namespace {

using namespace riposte;
using Clock = std::chrono::steady_clock;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void MixedWorkload(double seconds) {
  auto end = Clock::now() + std::chrono::duration<double>(seconds);
  int round = 0;
  while (Clock::now() < end) {
    for (const char* cmd : {"ls /usr/bin > /dev/null", "cat /etc/hostname /etc/os-release > /dev/null",
                            "sh -c 'for i in 1 2 3; do head -c 100 /etc/passwd > /dev/null; done'",
                            "python3 -c 'import socket\ns=socket.socket()\ntry: s.connect((\"127.0.0.1\", 9))\nexcept Exception: pass'"}) {
      if (round % 4 == 3 && cmd[0] == 'p') continue;  // python is slow to start: a quarter of the rounds
      (void)!system(cmd);
    }
    ++round;
  }
}

// Records the mixed workload with a live `riposte capture` limited to the rules' syscalls.
void Record(const std::string& riposte, const std::string& syscalls, const std::string& cap,
            const std::string& log, double seconds) {
  std::fflush(stdout);
  pid_t agent = fork();
  if (agent == 0) {
    freopen(log.c_str(), "w", stderr);
    freopen("/dev/null", "w", stdout);
    execl(riposte.c_str(), "riposte", "capture", "--format", "none", "--write", cap.c_str(), "--syscalls",
          syscalls.c_str(), nullptr);
    _exit(127);
  }
  for (int i = 0; i < 400 && ReadAll(log).find("seeded") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  MixedWorkload(seconds);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(agent, SIGINT);
  waitpid(agent, nullptr, 0);
}

struct Loaded {
  std::vector<std::vector<uint64_t>> records;  // aligned copies
  std::vector<size_t> sizes;
  std::vector<ProcessInfo> snapshot;
  int64_t time_base = 0;
};

Loaded LoadCapture(const std::string& path) {
  Loaded l;
  auto r = CaptureReader::Open(path);
  if (!r) {
    std::fprintf(stderr, "%s\n", r.error().message.c_str());
    std::exit(1);
  }
  l.time_base = (*r)->header().meta.value("time_base_ns", int64_t{0});
  FrameType type;
  std::span<const uint8_t> payload;
  while (true) {
    auto more = (*r)->Next(type, payload);
    if (!more || !*more) break;
    if (type == FrameType::kProcessSnapshot) {
      auto p = ProcessFromSnapshot(nlohmann::json::parse(payload.begin(), payload.end()));
      if (p) l.snapshot.push_back(std::move(*p));
      continue;
    }
    std::vector<uint64_t> copy(payload.size() / 8 + 1);
    std::memcpy(copy.data(), payload.data(), payload.size());
    l.records.push_back(std::move(copy));
    l.sizes.push_back(payload.size());
  }
  return l;
}

// One pass over the capture; returns seconds and the alert count.
double Pass(const Loaded& l, RuleEngine* engine, uint64_t* alerts_out) {
  StateTracker tracker(StateConfig{}, nullptr);
  for (const auto& p : l.snapshot) tracker.Seed(p);
  Event e;
  std::vector<Alert> alerts;
  uint64_t alert_count = 0;
  auto start = Clock::now();
  for (size_t i = 0; i < l.records.size(); ++i) {
    std::span<const uint8_t> rec(reinterpret_cast<const uint8_t*>(l.records[i].data()), l.sizes[i]);
    if (!DecodeRecord(rec, e).ok()) continue;
    tracker.Apply(e);
    if (engine) {
      alerts.clear();
      engine->Evaluate(e, tracker.processes(), l.time_base + static_cast<int64_t>(e.ts_boot_ns), alerts);
      alert_count += alerts.size();
    }
  }
  double s = std::chrono::duration<double>(Clock::now() - start).count();
  if (alerts_out) *alerts_out = alert_count;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"riposte rule-engine throughput benchmark"};
  std::string riposte, rules_dir, falco_rules;
  double seconds = 4;
  int passes = 5;
  app.add_option("--riposte", riposte, "riposte binary")->required();
  app.add_option("--rules", rules_dir, "riposte's default rules directory")->required();
  app.add_option("--falco-rules", falco_rules, "Falco's falco_rules.yaml")->required();
  app.add_option("--seconds", seconds, "length of the recorded workload");
  app.add_option("--passes", passes, "replay passes (the median is reported)");
  std::string replay;
  app.add_option("--replay", replay,
                 "replay this capture instead of recording one (compare builds on the same events)");
  bool keep = false;
  app.add_flag("--keep", keep, "keep the recorded capture (its path is printed)");
  CLI11_PARSE(app, argc, argv);

  auto set = RuleSet::Load({falco_rules, rules_dir});
  if (set->has_errors()) {
    for (const auto& m : set->messages()) std::fprintf(stderr, "%s\n", m.ToString().c_str());
    return 1;
  }
  std::string syscalls;
  bool any = false;
  for (const auto& t : set->EventTypes(&any)) syscalls += (syscalls.empty() ? "" : ",") + t;

  const std::string cap = replay.empty() ? "/tmp/riposte-bench-rules.cap" : replay;
  const std::string log = "/tmp/riposte-bench-rules.log";
  if (replay.empty()) Record(riposte, syscalls, cap, log, seconds);


  Loaded l = LoadCapture(cap);
  std::shared_ptr<const RuleSet> shared(std::move(set));
  std::vector<double> base, full;
  uint64_t alerts = 0;
  for (int p = 0; p < passes; ++p) {
    base.push_back(Pass(l, nullptr, nullptr));
    RuleEngine engine(shared, Priority::kDebug, "bench");
    full.push_back(Pass(l, &engine, &alerts));
  }
  std::sort(base.begin(), base.end());
  std::sort(full.begin(), full.end());
  const double n = static_cast<double>(l.records.size());
  const double b = base[base.size() / 2], f = full[full.size() / 2];
  std::printf("rule engine: %zu events replayed, %zu rules loaded (Falco stable + riposte defaults), %llu alerts per pass\n",
              l.records.size(), shared->rules().size(), static_cast<unsigned long long>(alerts));
  std::printf("decode+state:        %10.0f events/s  %7.1f ns/event\n", n / b, b * 1e9 / n);
  std::printf("decode+state+rules:  %10.0f events/s  %7.1f ns/event\n", n / f, f * 1e9 / n);
  std::printf("rules stage alone:   %10.0f events/s  %7.1f ns/event   (target: >= 2,000,000 events/s per core)\n",
              n / (f - b), (f - b) * 1e9 / n);
  if (!replay.empty()) return 0;
  if (keep) {
    std::printf("capture kept: %s\n", cap.c_str());
  } else {
    std::remove(cap.c_str());
  }
  return 0;
}
