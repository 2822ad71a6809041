// What the flight recorder costs and how fast a capture is on disk, measured in one run
// on this noisy machine (ratios of medians, rounds interleaved):
//   - the open/read/close loop alone, under `riposte run` (Falco's three rule files and
//     riposte's defaults, the kernel record filter off so that every record of the loop
//     reaches userspace) with the recorder off, and the same with it on, each measured
//     after a first loop that fills the ring (a running agent's steady state): the
//     recorder's extra cost is the ratio of those two (target: at most 1.02x);
//   - the recorder's memory at its default bound once the loop has filled it;
//   - from a triggering open to the capture file written, synced, hashed and audited
//     (a capture step with after: 0, before: 5s), p50 and p99.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "integration/agent_process.h"
#include "syscall_loops.h"

namespace riposte::testing {
std::string g_riposte;
std::string RiposteBinary() { return g_riposte; }
}  // namespace riposte::testing

namespace {

using namespace riposte::testing;
using riposte::bench::Median;
using riposte::bench::OpenReadCloseLoop;
using Clock = std::chrono::steady_clock;

size_t CountEvidenceRecords(const std::string& audit) {
  std::ifstream in(audit);
  size_t n = 0;
  for (std::string line; std::getline(in, line);)
    if (line.find("\"kind\":\"evidence\"") != std::string::npos) ++n;
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"riposte flight recorder and capture benchmark"};
  std::string falco_rules, rules = "rules";
  int iterations = 300000, rounds = 3, captures = 20;
  app.add_option("--riposte", g_riposte, "the riposte binary")->required();
  app.add_option("--falco-rules", falco_rules, "directory of Falco's upstream rule files")->required();
  app.add_option("--rules", rules, "riposte's default rules");
  app.add_option("--iterations", iterations, "open/read/close iterations per run");
  app.add_option("--rounds", rounds, "rounds (each: alone, recorder off, recorder on)");
  app.add_option("--captures", captures, "triggers for the capture latency");
  CLI11_PARSE(app, argc, argv);
  rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
  setrlimit(RLIMIT_MEMLOCK, &unlimited);

  const std::string dir = "/tmp/riposte-bench-evidence-" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/bench.yaml") << R"(
- rule: Bench trigger opened
  desc: the evidence benchmark's trigger
  condition: evt.type in (open, openat) and fd.name contains "/trigger-"
  output: trigger opened (file=%fd.name pid=%proc.pid)
  priority: CRITICAL
)";
  std::ofstream(dir + "/policies.yaml") << "- policy: capture\n  dedup_window: 0s\n"
                                           "  match: {rules: [Bench trigger opened]}\n"
                                           "  actions: [{action: capture, params: {before: 5s, after: 0s, scope: process_tree}}]\n";
  for (const char* mode : {"off", "on"})
    std::ofstream(dir + "/recorder-" + mode + ".yaml")
        << "capture: {kernel_filter: false}\ncircuit_breaker: {max_actions_per_minute: 0}\n"
        << "evidence:\n  dir: " << dir << "/evidence-" << mode << "\n  recorder: {enabled: "
        << (std::string(mode) == "on" ? "true" : "false") << "}\n";
  auto agent_args = [&](const std::string& mode) {
    return std::vector<std::string>{"--config", dir + "/recorder-" + mode + ".yaml", "run",
                                    "--rules", falco_rules + "/falco_rules.yaml",
                                    "--rules", falco_rules + "/falco-incubating_rules.yaml",
                                    "--rules", falco_rules + "/falco-sandbox_rules.yaml",
                                    "--rules", rules, "--rules", dir + "/bench.yaml",
                                    "--policies", dir + "/policies.yaml", "--audit-log", dir + "/audit-" + mode + ".log",
                                    "--alerts-file", "/dev/null", "--duration", "600"};
  };

  const std::string file = "/etc/hostname";
  OpenReadCloseLoop(iterations / 10, file);  // warm caches
  std::vector<double> alone, off, on;
  std::string memory_line;
  for (int r = 0; r < rounds; ++r) {
    alone.push_back(OpenReadCloseLoop(iterations, file));
    // Alternate which goes first, so neither always runs on a warmer machine.
    for (const std::string mode : (r % 2 ? std::vector<std::string>{"on", "off"} : std::vector<std::string>{"off", "on"})) {
      AgentProcess agent(agent_args(mode), dir + "/agent-" + mode + ".log");
      if (!agent.ready()) {
        std::fprintf(stderr, "the agent did not start:\n%s\n", agent.Log().c_str());
        return 1;
      }
      // A running agent's ring is full: the measured loop runs after one that fills it, in
      // both modes alike (the first fill's page faults are a start-up cost, not a per-record one).
      OpenReadCloseLoop(iterations, file);
      (mode == "on" ? on : off).push_back(OpenReadCloseLoop(iterations, file));
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      agent.Stop();
      if (mode == "on") {
        std::smatch m;
        const std::string log = agent.Log();
        if (std::regex_search(log, m, std::regex(R"(flight recorder: (\d+) records in ([0-9.]+) MiB held)")))
          memory_line = m[2].str() + " MiB holding " + m[1].str() + " records (default bound: 64 MiB, 30 s)";
      }
    }
  }
  const double base = Median(alone);
  std::printf("%-40s %8.3fs\n", "open/read/close loop alone (median)", base);
  std::printf("%-40s %7.3fx\n", "run, filter off, recorder off", Median(off) / base);
  std::printf("%-40s %7.3fx\n", "run, filter off, recorder on", Median(on) / base);
  const double extra = Median(on) / Median(off);
  std::printf("%-40s %7.3fx  (target at most 1.02x: %s)\n", "recorder's extra cost (on / off)", extra,
              extra <= 1.02 ? "met" : "NOT met");
  std::printf("%-40s %s\n", "recorder memory after the loop", memory_line.empty() ? "not reported" : memory_line.c_str());

  // Trigger -> capture file written, synced, hashed and its evidence record appended. The
  // triggers exist before the agent does: creating one is an open too.
  for (int i = 0; i < captures; ++i) std::ofstream(dir + "/trigger-" + std::to_string(i)) << "x";
  AgentProcess agent(agent_args("on"), dir + "/agent-latency.log");
  if (!agent.ready()) {
    std::fprintf(stderr, "the agent did not start:\n%s\n", agent.Log().c_str());
    return 1;
  }
  std::vector<double> ms;
  const std::string audit = dir + "/audit-on.log";
  for (int i = 0; i < captures; ++i) {
    const size_t before = CountEvidenceRecords(audit);
    const std::string trigger = dir + "/trigger-" + std::to_string(i);
    OpenReadCloseLoop(2000, file);  // something of this process's own for the capture to hold
    const auto start = Clock::now();
    int fd = open(trigger.c_str(), O_RDONLY);
    if (fd >= 0) close(fd);
    bool closed = false;
    while (Clock::now() - start < std::chrono::seconds(10)) {
      if (CountEvidenceRecords(audit) > before) {
        closed = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    if (closed) ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  agent.Stop();
  std::sort(ms.begin(), ms.end());
  if (ms.empty()) {
    std::printf("trigger -> capture closed: no capture closed\n%s\n", agent.Log().c_str());
  } else {
    std::printf("trigger -> capture file closed and audited (after: 0): p50 %.1f ms, p99 %.1f ms over %zu of %d\n",
                ms[ms.size() / 2], ms[std::min(ms.size() - 1, static_cast<size_t>(ms.size() * 0.99))], ms.size(),
                captures);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
