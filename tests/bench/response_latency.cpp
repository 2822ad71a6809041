// Response latency: from the moment a victim makes its triggering syscall (its own
// CLOCK_MONOTONIC stamp, taken just before) to the moment the process is gone (its pidfd
// turns readable), through `riposte run` with a rule and a kill policy. Once with the
// userspace path (alert -> policy -> pidfd_send_signal) and once with the in-kernel path
// (bpf_send_signal in the syscall's context). Prints p50/p99 against the targets.
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "integration/agent_process.h"

namespace riposte::testing {
// The bench names its binaries itself (the integration harness reads them from CMake).
std::string g_riposte, g_workload;
std::string RiposteBinary() { return g_riposte; }
}  // namespace riposte::testing

namespace {

using namespace riposte::testing;

int64_t NowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

struct Figures {
  double p50_ms = 0, p99_ms = 0;
  size_t n = 0, missed = 0;
};

Figures Measure(const std::string& trigger, int iterations) {
  std::vector<double> ms;
  size_t missed = 0;
  for (int i = 0; i < iterations; ++i) {
    int stamp_fd = -1;
    pid_t victim = SpawnChild({g_workload, "stamp", "3", "openro", trigger, "sleepms", "2000"}, &stamp_fd);
    int pidfd = static_cast<int>(syscall(SYS_pidfd_open, victim, 0));
    int64_t start = 0;
    if (read(stamp_fd, &start, sizeof(start)) != sizeof(start)) start = 0;
    pollfd p{pidfd, POLLIN, 0};
    int ready = poll(&p, 1, 1000);
    const int64_t gone = NowNs();
    int status = 0;
    if (ready == 1 && start) {
      waitpid(victim, &status, 0);
      if (WIFSIGNALED(status)) ms.push_back((gone - start) / 1e6);
      else ++missed;
    } else {
      ++missed;
      kill(victim, SIGKILL);
      waitpid(victim, nullptr, 0);
    }
    close(pidfd);
    close(stamp_fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::sort(ms.begin(), ms.end());
  Figures f;
  f.n = ms.size();
  f.missed = missed;
  if (!ms.empty()) {
    f.p50_ms = ms[ms.size() / 2];
    f.p99_ms = ms[std::min(ms.size() - 1, static_cast<size_t>(ms.size() * 0.99))];
  }
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("riposte response latency benchmark");
  int iterations = 200;
  app.add_option("--riposte", g_riposte, "the riposte binary")->required();
  app.add_option("--workload", g_workload, "the test workload binary")->required();
  app.add_option("--iterations", iterations, "victims per path");
  CLI11_PARSE(app, argc, argv);

  const std::string dir = "/tmp/riposte-bench-response-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  const std::string trigger = dir + "/trigger-file";
  std::ofstream(trigger) << "x";
  std::ofstream(dir + "/rules.yaml") << R"(
- rule: Bench trigger opened
  desc: the latency benchmark's trigger
  condition: evt.type in (open, openat) and fd.name contains "/trigger-"
  output: trigger opened (file=%fd.name pid=%proc.pid)
  priority: CRITICAL
)";
  const std::string user_policy =
      "- policy: kill\n  dedup_window: 0s\n  match: {rules: [Bench trigger opened]}\n  actions: [{action: process.kill, "
      "params: {wait_ms: 0}}]\n";
  const std::string kernel_policy = user_policy.substr(0, user_policy.find("  actions:")) +
                                    "  actions:\n    - action: process.kill\n      params: {wait_ms: 0}\n"
                                    "      in_kernel:\n        syscalls: [openat, open]\n"
                                    "        process_names: [" + std::filesystem::path(g_workload).filename().string() +
                                    "]\n        path_prefix: " + dir + "/trigger-\n";
  // The circuit breaker (60 actions a minute by default) would rightly stop a storm of
  // 200 kills; the benchmark measures the path, not the brake.
  std::ofstream(dir + "/riposte.yaml") << "circuit_breaker: {max_actions_per_minute: 0}\n";
  struct Path {
    const char* name;
    std::string policy;
    double target_p99_ms;
  };
  std::printf("response latency, triggering syscall -> process gone, %d victims per path\n", iterations);
  for (const Path& path : {Path{"userspace (pidfd)", user_policy, 5.0}, Path{"in-kernel (bpf_send_signal)", kernel_policy, 0.2}}) {
    std::ofstream(dir + "/policies.yaml") << path.policy;
    AgentProcess agent({"--config", dir + "/riposte.yaml", "run", "--rules", dir + "/rules.yaml", "--policies", dir + "/policies.yaml", "--audit-log",
                        dir + "/audit.log", "--alerts-file", "/dev/null", "--duration", "600"},
                       dir + "/agent.log");
    if (!agent.ready()) {
      std::fprintf(stderr, "the agent did not start:\n%s\n", agent.Log().c_str());
      return 1;
    }
    Figures f = Measure(trigger, iterations);
    agent.Stop();
    std::printf("  %-28s p50 %.3f ms  p99 %.3f ms  (target p99 < %.1f ms: %s)  killed %zu, missed %zu\n", path.name,
                f.p50_ms, f.p99_ms, path.target_p99_ms,
                f.n == 0 ? "NO DATA" : (f.p99_ms < path.target_p99_ms ? "met" : "NOT met"), f.n,
                f.missed);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
