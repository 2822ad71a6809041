#include "bench_support.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>

#include <nlohmann/json.hpp>

namespace riposte::testing {

std::string g_riposte, g_source_dir;
std::string RiposteBinary() { return g_riposte; }
std::string SourceDir() { return g_source_dir; }
std::string Shell(const std::string& command) {
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

void WriteTriggerBench(const std::string& dir, const std::string& socket, const std::string& action,
                       const std::string& extra_config, const std::string& extra_container_keys) {
  std::ofstream(dir + "/rules.yaml") << R"(
- rule: Bench trigger read in a container
  desc: the pod benchmarks' trigger
  condition: evt.type in (open, openat) and fd.name startswith /data/trigger- and container.id != host
  output: trigger read (file=%fd.name container=%container.id at=%evt.rawtime)
  priority: CRITICAL
)";
  std::ofstream(dir + "/policies.yaml") << "- policy: bench\n  dedup_window: 0s\n  match: {rules: [Bench trigger read "
                                           "in a container]}\n  actions: [{action: "
                                        << action << "}]\n";
  std::ofstream(dir + "/riposte.yaml") << "containers: {containerd_socket: " << socket
                                       << (extra_container_keys.empty() ? "" : ", " + extra_container_keys)
                                       << "}\ncircuit_breaker: {max_actions_per_minute: 0}\n" << extra_config;
}

std::vector<std::string> TriggerReaderCommand() {
  return {"/bin/sh", "-c",
          "while true; do for f in /data/trigger-*; do [ -e \"$f\" ] && cat \"$f\" > /dev/null && rm -f \"$f\"; "
          "done; sleep 0.01; done"};
}

std::unique_ptr<AgentProcess> StartBenchAgent(const std::string& dir, int duration_s) {
  auto agent = std::make_unique<AgentProcess>(
      std::vector<std::string>{"--config", dir + "/riposte.yaml", "run", "--rules", dir + "/rules.yaml", "--policies",
                               dir + "/policies.yaml", "--audit-log", dir + "/audit.log", "--alerts-file",
                               dir + "/alerts.json", "--duration", std::to_string(duration_s)},
      dir + "/agent.log");
  if (agent->ready()) return agent;
  std::fprintf(stderr, "the agent did not start:\n%s\n", agent->Log().c_str());
  return nullptr;
}

int64_t WallNs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

int64_t AlertTime(const std::string& alerts_path, const std::string& file) {
  std::ifstream in(alerts_path);
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) continue;
    const auto& f = j["output_fields"];
    if (f.value("fd.name", "") == file && f.contains("evt.rawtime")) return f["evt.rawtime"].get<int64_t>();
  }
  return 0;
}

Percentiles Summarise(std::vector<double> ms) {
  Percentiles p;
  if (ms.empty()) return p;
  std::sort(ms.begin(), ms.end());
  p.p50 = ms[ms.size() / 2];
  p.p99 = ms[std::min(ms.size() - 1, static_cast<size_t>(ms.size() * 0.99))];
  p.p999 = ms[std::min(ms.size() - 1, static_cast<size_t>(ms.size() * 0.999))];
  p.max = ms.back();
  return p;
}

}  // namespace riposte::testing
