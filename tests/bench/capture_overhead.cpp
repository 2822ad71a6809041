// Capture overhead: how much slower workloads run while riposte watches them, measured in
// one run against the floor (a probe that only counts syscalls on the same hooks), so the
// figures that matter are ratios taken side by side on this noisy machine:
//   - an open/read/close loop (the syscall-heavy worst case), a fork/exec loop, and a
//     parallel build of a generated 120-file C project with archive and search steps;
//   - under the count-only floor probe; `riposte run` with Falco's three upstream rule
//     files and riposte's defaults, with the kernel record filter on and off; and
//     `riposte capture --format none` with the default syscall set;
//   - with what the agent did: records it was sent, records the kernel left out, drops.
//
// Rounds alternate the workload alone and under each watcher, so machine noise hits all
// alike; each figure is a ratio of medians.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <bpf/libbpf.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "count_probe.skel.h"
#include "syscall_loops.h"

namespace {

using Clock = std::chrono::steady_clock;
using riposte::bench::Median;
using riposte::bench::OpenReadCloseLoop;

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

// A C project of `files` sources, each with a header and a few functions, and a Makefile.
void GenerateProject(const std::string& dir, int files) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/src");
  std::filesystem::create_directories(dir + "/include");
  std::ofstream mk(dir + "/Makefile");
  mk << "OBJS :=";
  for (int i = 0; i < files; ++i) mk << " src/m" << i << ".o";
  mk << "\nall: app\napp: $(OBJS)\n\tcc -o $@ $^\nsrc/%.o: src/%.c\n\tcc -O1 -Iinclude -c -o $@ $<\n"
     << "clean:\n\trm -f app src/*.o\n";
  for (int i = 0; i < files; ++i) {
    std::ofstream h(dir + "/include/m" + std::to_string(i) + ".h");
    h << "#pragma once\n#include <stdio.h>\n#include <string.h>\nint m" << i << "_f(int);\n";
    std::ofstream c(dir + "/src/m" + std::to_string(i) + ".c");
    c << "#include \"m" << i << ".h\"\n";
    if (i > 0) c << "#include \"m" << i - 1 << ".h\"\n";
    c << "static int table[64];\nint m" << i << "_f(int x) {\n  for (int k = 0; k < 64; ++k) table[k] = x * k + "
      << i << ";\n  char b[32]; snprintf(b, sizeof b, \"%d\", table[x & 63]);\n  return (int)strlen(b)"
      << (i > 0 ? " + m" + std::to_string(i - 1) + "_f(x - 1)" : std::string()) << ";\n}\n";
    if (i == 0) c << "int main(void) { return m0_f(3) > 0 ? 0 : 1; }\n";
  }
}

double BuildLoop(const std::string& dir) {
  const std::string cmd = "cd " + dir + " && make -s clean && make -s -j2 all && tar czf /tmp/riposte-bench-project.tgz " +
                          "src include Makefile && grep -rl table src > /dev/null && ./app";
  auto start = Clock::now();
  std::fflush(stdout);
  if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "the build workload failed\n");
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct WatchStats {
  uint64_t sent = 0, left_out = 0, drops = 0;
};

// Something that watches the workload while it runs.
class Watcher {
 public:
  virtual ~Watcher() = default;
  virtual bool Start() = 0;
  virtual WatchStats Stop() = 0;
};

// The floor: the count-only probe, loaded in this process.
class CountProbe : public Watcher {
 public:
  bool Start() override {
    skel_ = count_probe_bpf__open_and_load();
    if (!skel_ || count_probe_bpf__attach(skel_) != 0) {
      std::fprintf(stderr, "the count-only probe did not load or attach\n");
      return false;
    }
    return true;
  }
  WatchStats Stop() override {
    if (skel_) count_probe_bpf__destroy(skel_);
    skel_ = nullptr;
    return {};
  }

 private:
  count_probe_bpf* skel_ = nullptr;
};

// A riposte process: `run` or `capture`, its log on stderr.
class RiposteProcess : public Watcher {
 public:
  RiposteProcess(std::vector<std::string> args, std::string ready) : args_(std::move(args)), ready_(std::move(ready)) {}
  bool Start() override {
    std::ofstream(log_, std::ios::trunc).flush();
    std::fflush(stdout);
    pid_ = fork();
    if (pid_ == 0) {
      freopen(log_.c_str(), "w", stderr);
      freopen("/dev/null", "w", stdout);
      std::vector<char*> argv;
      for (auto& s : args_) argv.push_back(s.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    for (int i = 0; i < 1200; ++i) {
      if (ReadAll(log_).find(ready_) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    std::fprintf(stderr, "riposte did not get ready; its log:\n%s\n", ReadAll(log_).c_str());
    return false;
  }
  WatchStats Stop() override {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let it drain
    kill(pid_, SIGINT);
    waitpid(pid_, nullptr, 0);
    std::string log = ReadAll(log_);
    WatchStats st;
    std::smatch m;
    // run: "stopped: N events, A alerts, D records dropped by the kernel, F left out ..."
    if (std::regex_search(log, m, std::regex(R"(stopped: (\d+) events, \d+ alerts, (\d+) records dropped by the kernel, (\d+) left out)"))) {
      st.sent = std::stoull(m[1]);
      st.drops = std::stoull(m[2]);
      st.left_out = std::stoull(m[3]);
      return st;
    }
    // capture --stats: a JSON object last
    auto brace = log.rfind("\n{");
    auto stats = brace == std::string::npos ? nlohmann::json() : nlohmann::json::parse(log.substr(brace + 1), nullptr, false);
    if (stats.is_object()) {
      st.sent = stats.value("records", uint64_t{0});
      st.drops = stats.value("kernel_dropped", uint64_t{0});
    } else {
      std::fprintf(stderr, "riposte printed no statistics; its log:\n%s\n", log.c_str());
    }
    return st;
  }

 private:
  std::vector<std::string> args_;
  std::string ready_;
  std::string log_ = "/tmp/riposte-bench-agent.log";
  pid_t pid_ = -1;
};

struct Case {
  std::string name;
  std::function<std::unique_ptr<Watcher>()> make;
};

struct CaseResult {
  std::vector<double> times;
  WatchStats stats;
};

// Every round: the workload alone, then under each case, in the same order.
void MeasureWorkload(const char* workload, const std::vector<Case>& cases, int rounds,
                     const std::function<double()>& loop, double syscalls_per_run) {
  std::vector<double> alone;
  std::vector<CaseResult> results(cases.size());
  for (int r = 0; r < rounds; ++r) {
    alone.push_back(loop());
    for (size_t c = 0; c < cases.size(); ++c) {
      auto w = cases[c].make();
      if (!w->Start()) continue;
      results[c].times.push_back(loop());
      WatchStats st = w->Stop();
      results[c].stats.sent += st.sent;
      results[c].stats.left_out += st.left_out;
      results[c].stats.drops += st.drops;
    }
  }
  const double base = Median(alone);
  std::printf("%-22s %-34s %8.3fs\n", workload, "alone (median)", base);
  for (size_t c = 0; c < cases.size(); ++c) {
    const auto& res = results[c];
    if (res.times.empty()) {
      std::printf("%-22s %-34s   failed\n", workload, cases[c].name.c_str());
      continue;
    }
    std::printf("%-22s %-34s %7.3fx", workload, cases[c].name.c_str(), Median(res.times) / base);
    if (res.stats.sent || res.stats.left_out) {
      std::printf("  sent %llu, left out %llu, drops %llu", static_cast<unsigned long long>(res.stats.sent),
                  static_cast<unsigned long long>(res.stats.left_out), static_cast<unsigned long long>(res.stats.drops));
      if (syscalls_per_run > 0)
        std::printf(", sent per workload syscall %.4f", res.stats.sent / (syscalls_per_run * res.times.size()));
    }
    std::printf("\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"riposte capture overhead benchmark"};
  std::string riposte, falco_rules, rules = "rules";
  int iterations = 300000, forks = 2000, rounds = 3, files = 120;
  bool skip_build = false;
  app.add_option("--riposte", riposte, "path to the riposte binary")->required();
  app.add_option("--falco-rules", falco_rules, "directory of Falco's upstream rule files")->required();
  app.add_option("--rules", rules, "riposte's default rules");
  app.add_option("--iterations", iterations, "open/read/close iterations per run");
  app.add_option("--forks", forks, "fork/exec iterations per run");
  app.add_option("--rounds", rounds, "rounds (each: alone, then under every watcher)");
  app.add_option("--files", files, "source files of the generated C project");
  app.add_flag("--skip-build", skip_build, "leave out the build workload");
  CLI11_PARSE(app, argc, argv);
  // A profile too long for the default would not matter here, but libbpf wants the memlock.
  rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
  setrlimit(RLIMIT_MEMLOCK, &unlimited);

  const std::vector<std::string> rule_args = {"--rules", falco_rules + "/falco_rules.yaml",
                                              "--rules", falco_rules + "/falco-incubating_rules.yaml",
                                              "--rules", falco_rules + "/falco-sandbox_rules.yaml",
                                              "--rules", rules};
  auto run_agent = [&](bool filter) {
    std::vector<std::string> a = {riposte, "run"};
    a.insert(a.end(), rule_args.begin(), rule_args.end());
    if (!filter) a.push_back("--no-kernel-filter");
    return std::make_unique<RiposteProcess>(a, "riposte is running");
  };
  // A rule that fires on every open of the loop: the consumer as slow as an agent gets
  // (an alert formatted and written per event), which must still not slow the workload.
  const std::string every_open_rules = "/tmp/riposte-bench-every-open.yaml";
  std::ofstream(every_open_rules) << "- rule: Every open of the benchmark's file\n"
                                     "  desc: fires on every open of the loop's file\n"
                                     "  condition: evt.type in (open, openat) and fd.name = /etc/hostname\n"
                                     "  output: opened (file=%fd.name proc=%proc.name pid=%proc.pid)\n"
                                     "  priority: NOTICE\n";
  const std::vector<Case> cases = {
      {"floor: count-only probe", [] { return std::make_unique<CountProbe>(); }},
      {"run, Falco+defaults, filter on", [&] { return run_agent(true); }},
      {"run, Falco+defaults, filter off", [&] { return run_agent(false); }},
      {"capture --format none, default set",
       [&] {
         return std::make_unique<RiposteProcess>(
             std::vector<std::string>{riposte, "capture", "--format", "none", "--stats"}, "seeded");
       }},
      {"capture, printed (json), default set",
       [&] {
         return std::make_unique<RiposteProcess>(std::vector<std::string>{riposte, "capture", "--stats"}, "seeded");
       }},
      {"run, a rule firing on every open",
       [&] {
         return std::make_unique<RiposteProcess>(std::vector<std::string>{riposte, "run", "--rules", every_open_rules},
                                                 "riposte is running");
       }},
  };

  const std::string file = "/etc/hostname";
  OpenReadCloseLoop(iterations / 10, file);  // warm caches
  std::printf("%-22s %-34s %9s\n", "workload", "watcher", "slowdown");
  MeasureWorkload("open/read/close loop", cases, rounds, [&] { return OpenReadCloseLoop(iterations, file); },
                  3.0 * iterations);
  MeasureWorkload("fork/exec /bin/true", cases, rounds, [&] { return ForkExecLoop(forks); }, 0);
  if (!skip_build) {
    const std::string dir = "/tmp/riposte-bench-project";
    GenerateProject(dir, files);
    BuildLoop(dir);  // warm caches
    MeasureWorkload("build 120 C files", cases, rounds, [&] { return BuildLoop(dir); }, 0);
    std::filesystem::remove_all(dir);
  }
  std::printf("targets: with the filter, open/read/close within 0.05 of the floor and fork/exec within 0.05 of "
              "alone; the build at most 1.05x; 0 drops at the default ring size\n");
  return 0;
}
