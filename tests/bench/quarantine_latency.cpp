// Network quarantine latency: from the triggering syscall inside a pod's container (the
// kernel's event time, from the alert's evt.rawtime) to the quarantine being in effect —
// the first datagram the pod can no longer send. The pod streams a UDP datagram every
// 0.5 ms, carrying its send time, to a receiver pod on the test environment's CNI bridge;
// after the quarantine, the newest datagram that got through marks the moment (within
// the 0.5 ms spacing). Through `riposte run` with a network.quarantine policy on the real
// containerd; each round lifts the quarantine and triggers again. Prints p50/p99 against
// the target (p99 under 50 ms).
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench_support.h"
#include "containers/containerd_client.h"
#include "integration/agent_process.h"
#include "integration/test_pod.h"
#include "quarantine/netns.h"
#include "quarantine/quarantine_store.h"
#include "responders/network_quarantine.h"

namespace {

using namespace riposte;
using namespace riposte::testing;

int64_t ReadNs(const std::string& path) {
  std::ifstream in(path);
  int64_t v = 0;
  in >> v;
  return v;
}

// Waits until the file's time stops moving for `still_ms` (the stream is cut) or moves
// again (the stream flows); returns its last value.
int64_t SettledValue(const std::string& path, int still_ms) {
  int64_t last = ReadNs(path);
  for (int stable = 0; stable < still_ms; stable += 10) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    int64_t now = ReadNs(path);
    if (now != last) stable = 0, last = now;
  }
  return last;
}

pid_t TaskPid(ContainerdClient& c, const std::string& id) {
  auto t = c.GetTask("k8s.io", id);
  return t ? static_cast<pid_t>(t->pid) : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("riposte network quarantine latency benchmark");
  int rounds = 30;
  app.add_option("--riposte", g_riposte, "the riposte binary")->required();
  app.add_option("--source-dir", g_source_dir, "the source tree (for deploy/testenv)")->required();
  app.add_option("--rounds", rounds, "quarantines to measure");
  CLI11_PARSE(app, argc, argv);

  const std::string socket = TestContainerdSocket();
  const std::string dir = "/tmp/riposte-bench-quarantine-" + std::to_string(getpid());
  const std::string peer = g_source_dir + "/tests/integration/net_peer.py";
  std::filesystem::create_directories(dir + "/data");
  const std::string state = dir + "/quarantine.json";
  WriteTriggerBench(dir, socket, "network.quarantine", "quarantine: {state_file: " + state + "}\n");
  int status = 0;
  {
    ContainerdClient client(socket);
    TestPod receiver_pod(socket, "bench-receiver", "bench", {{"app", "receiver"}});
    TestPod workload_pod(socket, "bench-workload", "bench", {{"app", "workload"}});
    std::string receiver = receiver_pod.ok() ? receiver_pod.AddContainer("rx", {"/bin/sleep", "3600"}) : "";
    std::string workload = workload_pod.ok() ? workload_pod.AddContainer("tx", TriggerReaderCommand(), dir + "/data") : "";
    if (receiver.empty() || workload.empty()) {
      std::fprintf(stderr, "cannot start the pods: %s %s\n", receiver_pod.error().c_str(), workload_pod.error().c_str());
      return 1;
    }
    const pid_t rx_pid = TaskPid(client, receiver), tx_pid = TaskPid(client, workload);
    const std::string rx_ip = Shell("nsenter -t " + std::to_string(rx_pid) +
                                    " -n ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1");
    const std::string newest = dir + "/newest";
    pid_t recv = SpawnChild({"/usr/bin/nsenter", "-t", std::to_string(rx_pid), "-n", "python3", peer, "udp-recv",
                             "7777", newest});
    pid_t send = SpawnChild({"/usr/bin/nsenter", "-t", std::to_string(tx_pid), "-n", "python3", peer, "udp-send", rx_ip,
                             "7777"});
    auto agent = StartBenchAgent(dir, 900);
    if (!agent) return 1;
    auto inode = NetnsInode(tx_pid);
    QuarantineStore store(state);
    std::vector<double> ms;
    size_t missed = 0;
    for (int i = 0; i < rounds && inode; ++i) {
      // The stream flows before each round.
      int64_t before = ReadNs(newest);
      for (int w = 0; w < 300 && ReadNs(newest) == before; ++w) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      const std::string name = "trigger-" + std::to_string(i);
      std::ofstream(dir + "/data/" + name) << "x";
      int64_t syscall_at = 0;
      for (int w = 0; w < 300 && !(syscall_at = AlertTime(dir + "/alerts.json", "/data/" + name)); ++w)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      // In effect once nothing new arrives for 150 ms (the stream sends every 0.5 ms).
      int64_t last_through = SettledValue(newest, 150);
      if (syscall_at && last_through > syscall_at) ms.push_back((last_through + 500'000 - syscall_at) / 1e6);
      else ++missed;
      (void)LiftQuarantine(*inode, {tx_pid});
      (void)store.Remove(*inode);
    }
    agent->Stop();
    for (pid_t p : {send, recv}) {
      kill(p, SIGKILL);
      WaitChild(p, 2000);
    }
    std::printf("network quarantine latency, triggering syscall in a pod -> its packets dropped, %d rounds\n", rounds);
    if (ms.empty()) {
      std::printf("  NO DATA (missed %zu)\n", missed);
      status = 1;
    } else {
      Percentiles p = Summarise(ms);
      std::printf("  p50 %.1f ms  p99 %.1f ms  max %.1f ms  (target p99 < 50 ms: %s)  measured %zu, missed %zu\n", p.p50,
                  p.p99, p.max, p.p99 < 50 ? "met" : "NOT met", ms.size(), missed);
    }
  }
  if (!getenv("RIPOSTE_BENCH_KEEP")) std::filesystem::remove_all(dir);
  return status;
}
