// Capture overhead: how much slower a syscall-heavy workload runs while `riposte capture`
// watches it, with the syscall set a typical ruleset needs, and what the agent did with
// the events (rate, drops, its own CPU per event).
//
// Rounds alternate baseline and captured runs so that machine noise hits both alike;
// figures are ratios of medians measured in this one run.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace {

using Clock = std::chrono::steady_clock;

double OpenReadCloseLoop(int iterations, const std::string& file) {
  char buf[256];
  auto start = Clock::now();
  for (int i = 0; i < iterations; ++i) {
    int fd = open(file.c_str(), O_RDONLY);
    if (fd >= 0) {
      (void)!read(fd, buf, sizeof(buf));
      close(fd);
    }
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double ForkExecLoop(int iterations) {
  auto start = Clock::now();
  std::fflush(stdout);
  for (int i = 0; i < iterations; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      execl("/bin/true", "true", nullptr);
      _exit(127);
    }
    waitpid(pid, nullptr, 0);
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

double CpuSeconds(pid_t pid) {
  std::string stat = ReadAll("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::string f;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15; ++i) {
    rest >> f;
    if (i == 14) utime = std::stoull(f);
    if (i == 15) stime = std::stoull(f);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct Agent {
  pid_t pid = -1;
  std::string log;
};

Agent StartAgent(const std::string& riposte, const std::string& syscalls, const std::vector<std::string>& extra,
                 const std::string& log) {
  Agent a;
  a.log = log;
  std::ofstream(log, std::ios::trunc).flush();  // a stale "seeded" from an earlier run must not count
  std::fflush(stdout);  // or the child's freopen would print our buffer again
  a.pid = fork();
  if (a.pid == 0) {
    freopen(log.c_str(), "w", stderr);
    freopen("/dev/null", "w", stdout);
    std::vector<std::string> args = {riposte, "capture", "--format", "none", "--stats"};
    if (!syscalls.empty()) {
      args.push_back("--syscalls");
      args.push_back(syscalls);
    }
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    execv(riposte.c_str(), argv.data());
    _exit(127);
  }
  for (int i = 0; i < 400 && ReadAll(log).find("seeded") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  return a;
}

nlohmann::json StopAgent(const Agent& a, double* cpu_seconds) {
  *cpu_seconds = CpuSeconds(a.pid);
  kill(a.pid, SIGINT);
  waitpid(a.pid, nullptr, 0);
  std::string log = ReadAll(a.log);
  auto brace = log.rfind("\n{");
  auto stats = brace == std::string::npos ? nlohmann::json() : nlohmann::json::parse(log.substr(brace + 1), nullptr, false);
  if (!stats.is_object()) {
    std::fprintf(stderr, "the capture agent printed no statistics; its log:\n%s\n", log.c_str());
    return nlohmann::json::object();
  }
  return stats;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

struct Result {
  double ratio, events_per_s, agent_ns_per_event;
  uint64_t records, drops;
};

template <typename Loop>
Result Measure(const std::string& riposte, const std::string& syscalls, const std::vector<std::string>& extra, int rounds,
               Loop loop) {
  std::vector<double> base, cap;
  uint64_t records = 0, drops = 0;
  double cpu = 0, cap_time = 0;
  for (int r = 0; r < rounds; ++r) {
    base.push_back(loop());
    Agent a = StartAgent(riposte, syscalls, extra, "/tmp/riposte-bench-agent.log");
    double t = loop();
    cap.push_back(t);
    cap_time += t;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let it drain
    double agent_cpu = 0;
    auto stats = StopAgent(a, &agent_cpu);
    cpu += agent_cpu;
    records += stats.value("records", uint64_t{0});
    drops += stats.value("kernel_dropped", uint64_t{0});
  }
  Result res;
  res.ratio = Median(cap) / Median(base);
  res.records = records;
  res.drops = drops;
  res.events_per_s = cap_time > 0 ? records / cap_time : 0;
  res.agent_ns_per_event = records ? cpu * 1e9 / records : 0;
  return res;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"riposte capture overhead benchmark"};
  std::string riposte;
  int iterations = 300000, forks = 2000, rounds = 3;
  app.add_option("--riposte", riposte, "path to the riposte binary")->required();
  app.add_option("--iterations", iterations, "open/read/close iterations per run");
  app.add_option("--forks", forks, "fork/exec iterations per run");
  app.add_option("--rounds", rounds, "alternating baseline/captured rounds");
  CLI11_PARSE(app, argc, argv);

  const std::string file = "/etc/hostname";
  OpenReadCloseLoop(iterations / 10, file);  // warm caches

  auto orc = [&] { return OpenReadCloseLoop(iterations, file); };
  auto fe = [&] { return ForkExecLoop(forks); };
  struct Case {
    const char* name;
    std::string syscalls;
    std::vector<std::string> extra;
  };
  // The default set is what a typical Falco ruleset needs (execve, open family, close,
  // connect, ...); "openat,close" is the floor: just the loop's interesting syscalls.
  // "raw_tracepoint" is the default set through the fallback hooks (kernels without
  // tp_btf), measured in the same run for comparison.
  const Case cases[] = {{"default-set", "", {}},
                        {"openat+close", "openat,close", {}},
                        {"default/raw_tp", "", {"--raw-tracepoint"}}};
  std::printf("%-28s %-14s %8s %12s %14s %10s %8s\n", "workload", "syscalls", "ratio", "events",
              "events/s", "agent ns/ev", "drops");
  for (const auto& c : cases) {
    Result r = Measure(riposte, c.syscalls, c.extra, rounds, orc);
    std::printf("%-28s %-14s %7.3fx %12llu %14.0f %10.0f %8llu\n", "open/read/close loop", c.name,
                r.ratio, static_cast<unsigned long long>(r.records), r.events_per_s,
                r.agent_ns_per_event, static_cast<unsigned long long>(r.drops));
  }
  Result r = Measure(riposte, "", {}, rounds, fe);
  std::printf("%-28s %-14s %7.3fx %12llu %14.0f %10.0f %8llu\n", "fork/exec /bin/true loop",
              "default-set", r.ratio, static_cast<unsigned long long>(r.records), r.events_per_s,
              r.agent_ns_per_event, static_cast<unsigned long long>(r.drops));
  std::printf("targets: open/read/close ratio <= 1.40x with the default set, 0 drops at the default ring size\n");
  return 0;
}
