// Metadata on a container's first event: over N containers started through each engine
// (dockerd, podman, and a pod's container through CRI on containerd), how many had their
// entrypoint's execve evaluated without the container's description (every container.*
// field empty: goal 0), and how long the alert for that first exec took, from the kernel's
// event time to the alert line being in the alerts file (this includes the time the agent
// held the container's events for a description not there yet; polled every millisecond).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bench_support.h"
#include "integration/test_pod.h"

namespace {

using namespace riposte;
using namespace riposte::testing;

// The first alert for the container whose short id is `id12`, or null.
nlohmann::json AlertFor(const std::string& alerts, const std::string& id12) {
  std::ifstream in(alerts);
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j["output_fields"].value("container.id", "") == id12) return j;
  }
  return nullptr;
}

struct Tally {
  size_t started = 0, described = 0, blind = 0, unseen = 0;
  std::vector<double> latency_ms;
};

// Waits for the container's first-exec alert and counts it.
void Count(const std::string& alerts, const std::string& id, Tally& t) {
  ++t.started;
  nlohmann::json a;
  int64_t seen = 0;
  for (int i = 0; i < 3000 && a.is_null(); ++i) {
    a = AlertFor(alerts, id.substr(0, 12));
    if (a.is_null()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    else seen = WallNs();
  }
  if (a.is_null()) {
    ++t.unseen;
    return;
  }
  const auto& name = a["output_fields"]["container.name"];
  if (name.is_string() && !name.get<std::string>().empty()) ++t.described;
  else ++t.blind;
  t.latency_ms.push_back((seen - a["output_fields"].value("evt.rawtime", int64_t{0})) / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("riposte first-event container description benchmark");
  int containers = 100;
  std::vector<std::string> engines = {"docker", "podman", "containerd"};
  app.add_option("--riposte", g_riposte, "the riposte binary")->required();
  app.add_option("--source-dir", g_source_dir, "the source tree (for deploy/testenv)")->required();
  app.add_option("--containers", containers, "containers to start per engine");
  app.add_option("--engines", engines, "which engines, in order")->delimiter(',');
  CLI11_PARSE(app, argc, argv);

  const std::string socket = TestContainerdSocket();
  const std::string env = g_source_dir + "/deploy/testenv/";
  const std::string dir = "/tmp/riposte-bench-first-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/rules.yaml") << R"(
- rule: Bench first exec in a container
  desc: every container's entrypoint
  condition: evt.type in (execve, execveat) and evt.dir = < and container.id != host and proc.name = cat
  output: first exec (container=%container.id name=%container.name at=%evt.rawtime)
  priority: NOTICE
)";
  std::ofstream(dir + "/riposte.yaml") << "containers: {containerd_socket: " << socket
                                       << ", docker_socket: " << Shell(env + "docker-env.sh start")
                                       << ", podman_socket: " << Shell(env + "podman-env.sh start")
                                       << "}\nappend_output: []\n";
  AgentProcess agent({"--config", dir + "/riposte.yaml", "run", "--rules", dir + "/rules.yaml", "--alerts-file",
                      dir + "/alerts.json", "--duration", "1800"},
                     dir + "/agent.log");
  if (!agent.ready()) {
    std::fprintf(stderr, "the agent did not start:\n%s\n", agent.Log().c_str());
    return 1;
  }
  int status = 0;
  std::printf("first exec of a new container: evaluated with or without its description, %d containers per engine\n",
              containers);
  for (const auto& engine : engines) {
    Tally t;
    const auto t0 = WallNs();
    if (engine == "containerd") {
      TestPod pod(socket, "first", "bench", {{"app", "bench"}});
      if (!pod.ok()) {
        std::fprintf(stderr, "cannot start the pod: %s\n", pod.error().c_str());
        return 1;
      }
      for (int i = 0; i < containers; ++i) {
        std::string id = pod.AddContainer("c" + std::to_string(i), {"cat", "/etc/hostname"});
        if (id.empty()) break;
        Count(dir + "/alerts.json", id, t);
      }
    } else {
      const std::string cli = env + engine + "-env.sh " + engine;
      const std::string prefix = "rp-first-" + std::to_string(getpid()) + "-";
      for (int i = 0; i < containers; ++i) {
        std::string id = Shell(cli + " run -d --name " + prefix + std::to_string(i) +
                               " riposte.local/busybox:1 cat /etc/hostname 2>/dev/null");
        if (id.size() != 64) break;
        Count(dir + "/alerts.json", id, t);
      }
      Shell(cli + " rm -f $(" + cli + " ps -aq --filter name=" + prefix + ") >/dev/null 2>&1");
    }
    Percentiles p = Summarise(t.latency_ms);
    std::printf("  %-10s started %zu: described %zu, WITHOUT description %zu, no alert %zu (goal 0 and 0); "
                "event -> alert p50 %.1f ms  p99 %.1f ms  max %.1f ms  (%.0f s)\n",
                engine.c_str(), t.started, t.described, t.blind, t.unseen, p.p50, p.p99, p.max, (WallNs() - t0) / 1e9);
    if (t.started == 0) status = 1;
  }
  agent.Stop();
  // The agent's own account: how many events waited for their container's description.
  const std::string log = agent.Log();
  if (auto at = log.find("container hold: "); at != std::string::npos)
    std::printf("  agent: %s\n", log.substr(at, log.find('\n', at) - at).c_str());
  if (!getenv("RIPOSTE_BENCH_KEEP")) std::filesystem::remove_all(dir);
  return status;
}
