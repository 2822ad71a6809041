// Docker and Podman hosts, for real: a private dockerd (Debian's docker.io, on the test
// containerd) and a private podman API service (deploy/testenv/docker-env.sh and
// podman-env.sh), containers run with their own clients, and the agent reading both
// engines' APIs. Each test runs once per engine.
#include <sys/wait.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/sha256.h"
#include "integration/agent_process.h"
#include "integration/capture_harness.h"
#include "integration/container_fixture.h"
#include "integration/test_pod.h"

namespace riposte::testing {
namespace {

class EngineContainerTest : public ::testing::TestWithParam<std::string> {
 protected:
  const std::string& Engine() const { return GetParam(); }
  std::string Script() const { return SourceDir() + "/deploy/testenv/" + Engine() + "-env.sh"; }
  // The engine's own client, on the private engine.
  std::string Cli(const std::string& args) const { return Shell(Script() + " " + Engine() + " " + args + " 2>&1"); }
  std::string State(const std::string& name) const { return Cli("inspect -f '{{.State.Status}}' " + name); }

  void SetUp() override {
    containerd_ = TestContainerdSocket();
    ASSERT_FALSE(containerd_.empty());
    socket_ = Shell(Script() + " start");
    ASSERT_TRUE(std::filesystem::exists(socket_)) << Engine() << " did not start: " << socket_;
    dir_ = "/tmp/riposte-engine-" + std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ + "/data");
    name_ = "rpt-" + Engine() + "-" + std::to_string(getpid()) + "-" + std::to_string(serial_++);
    rules_ = dir_ + "/rules.yaml";
    std::ofstream(rules_) << R"(
- rule: Trigger read in a container
  desc: the engine tests' trigger
  condition: evt.type in (open, openat) and fd.name startswith /data/trigger- and container.id != host
  output: >-
    trigger read (file=%fd.name id=%container.id name=%container.name image=%container.image
    repo=%container.image.repository tag=%container.image.tag type=%container.type team=%container.label[team]
    image_id=%container.image.id privileged=%container.privileged host_network=%container.host_network)
  priority: CRITICAL
)";
    config_ = dir_ + "/riposte.yaml";
    std::ofstream(config_) << "containers:\n  containerd_socket: " << containerd_
                           << "\n  docker_socket: " << Shell(SourceDir() + "/deploy/testenv/docker-env.sh socket")
                           << "\n  podman_socket: " << Shell(SourceDir() + "/deploy/testenv/podman-env.sh socket")
                           << "\nquarantine:\n  state_file: " << dir_ << "/quarantine.json\nappend_output: []\n";
    audit_ = dir_ + "/audit.log";
    alerts_ = dir_ + "/alerts.json";
  }
  void TearDown() override {
    agent_.reset();
    Cli("rm -f " + name_);
    std::filesystem::remove_all(dir_);
  }

  // The counter loop of the containerd tests, in a container of the engine's; its full id.
  std::string RunContainer(const std::string& extra = "") {
    std::string cmd = "run -d --name " + name_ + " --label team=red " + extra + " -v " + dir_ +
                      "/data:/data riposte.local/busybox:1 sh -c \"" +
                      "trap 'exit 0' TERM; i=0; while true; do i=\\$((i+1)); echo \\$i > /data/counter; "
                      "for f in /data/trigger-*; do [ -e \\$f ] && cat \\$f > /dev/null && rm -f \\$f; done; "
                      "sleep 0.05; done\"";
    std::string id = Cli(cmd);
    EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{64}"))) << cmd << "\n" << id;
    EXPECT_TRUE(WaitFor([&] { return Counter() > 0; }, 10000)) << "the container's loop never ran";
    return id;
  }
  long Counter() { return ReadCounter(dir_ + "/data/counter"); }
  bool CounterMoves(int ms) { return riposte::testing::CounterMoves(dir_ + "/data/counter", ms); }
  void Trigger(const std::string& name) { std::ofstream(dir_ + "/data/trigger-" + name) << "x"; }

  void StartAgent(const std::string& policy = "") {
    std::vector<std::string> args{"--config", config_, "run", "--rules", rules_, "--alerts-file", alerts_,
                                  "--audit-log", audit_, "--duration", "120"};
    if (!policy.empty()) {
      std::ofstream(dir_ + "/policies.yaml") << "- policy: answer\n  mode: enforce\n  match: {rules: [Trigger read in a container]}\n"
                                                "  dedup_window: 0s\n  actions: [" << policy << "]\n";
      args.insert(args.end(), {"--policies", dir_ + "/policies.yaml"});
    }
    agent_ = std::make_unique<AgentProcess>(args, dir_ + "/agent.log");
    ASSERT_TRUE(agent_->ready()) << agent_->Log();
  }

  std::vector<nlohmann::json> Lines(const std::string& path) { return JsonLines(path); }
  nlohmann::json WaitForAlert(int timeout_ms = 10000) {
    nlohmann::json got;
    WaitFor([&] {
      auto all = Lines(alerts_);
      if (all.empty()) return false;
      got = all.front();
      return true;
    }, timeout_ms);
    return got;
  }
  nlohmann::json WaitForAction(const std::string& action, int timeout_ms = 20000) {
    nlohmann::json got;
    WaitFor([&] {
      for (auto& r : Lines(audit_))
        if (r.value("kind", "") == "action" && r.value("phase", "") == "result" && r.value("action", "") == action)
          got = r;
      return !got.is_null();
    }, timeout_ms);
    return got;
  }

  static inline int serial_ = 0;
  std::string containerd_, socket_, dir_, name_, rules_, config_, audit_, alerts_;
  std::unique_ptr<AgentProcess> agent_;
};

TEST_P(EngineContainerTest, AContainerStartedBeforeTheAgentIsDescribedByItsEngine) {
  const std::string id = RunContainer("--cap-add SYS_ADMIN");
  StartAgent();
  EXPECT_TRUE(agent_->WaitForLog("containers: " + Engine() + " ", 1000)) << agent_->Log();
  Trigger("before");
  auto alert = WaitForAlert();
  ASSERT_FALSE(alert.is_null()) << agent_->Log();
  const auto& f = alert["output_fields"];
  EXPECT_EQ(f["container.id"], id.substr(0, 12));
  EXPECT_EQ(f["container.name"], name_);
  EXPECT_EQ(f["container.type"], Engine());
  EXPECT_EQ(f["container.image"], "riposte.local/busybox:1");
  EXPECT_EQ(f["container.image.repository"], "riposte.local/busybox");
  EXPECT_EQ(f["container.image.tag"], "1");
  EXPECT_EQ(f["container.label[team]"], "red");
  EXPECT_TRUE(std::regex_match(f["container.image.id"].get<std::string>(), std::regex("[0-9a-f]{64}"))) << f;
  // One added capability is not privileged mode.
  EXPECT_EQ(f["container.privileged"], false);
  EXPECT_EQ(f["container.host_network"], false);
}

TEST_P(EngineContainerTest, AContainersFirstEventCarriesItsDescription) {
  StartAgent();
  // The entrypoint's own first open is the trigger: nothing runs before it in the container.
  std::ofstream(dir_ + "/data/trigger-first") << "x";
  std::string id = Cli("run -d --name " + name_ + " -v " + dir_ + "/data:/data --label team=blue riposte.local/busybox:1 " +
                       "cat /data/trigger-first");
  ASSERT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{64}"))) << id;
  auto alert = WaitForAlert();
  ASSERT_FALSE(alert.is_null()) << agent_->Log();
  EXPECT_EQ(alert["output_fields"]["container.name"], name_) << alert;
  EXPECT_EQ(alert["output_fields"]["container.type"], Engine());
  EXPECT_EQ(alert["output_fields"]["container.label[team]"], "blue");
}

TEST_P(EngineContainerTest, PauseAndResumeGoThroughTheEngine) {
  const std::string id = RunContainer();
  StartAgent("{action: container.pause}");
  Trigger("pause");
  auto rec = WaitForAction("container.pause");
  ASSERT_FALSE(rec.is_null()) << agent_->Log();
  EXPECT_EQ(rec["outcome"], "done") << rec;
  EXPECT_EQ(rec["details"]["engine"], Engine()) << rec;
  EXPECT_EQ(rec["details"]["container_name"], name_);
  EXPECT_EQ(State(name_), "paused") << "the engine's own view says paused";
  EXPECT_FALSE(CounterMoves(400)) << "the container's processes are frozen";

  agent_.reset();
  std::string out = Shell(RiposteBinary() + " --config " + config_ + " container resume " + id.substr(0, 12) +
                          " --audit-log " + dir_ + "/manual.log 2>&1");
  EXPECT_EQ(State(name_), "running") << out;
  EXPECT_TRUE(CounterMoves(400));
}

TEST_P(EngineContainerTest, StopIsTheEnginesStopWithTheGracePeriod) {
  RunContainer();
  StartAgent("{action: container.stop, params: {grace_period: 3s}}");
  Trigger("stop");
  auto rec = WaitForAction("container.stop");
  ASSERT_FALSE(rec.is_null()) << agent_->Log();
  EXPECT_EQ(rec["outcome"], "done") << rec;
  EXPECT_EQ(rec["details"]["stopped_by"], Engine()) << rec;
  EXPECT_EQ(State(name_), "exited");
  // The loop traps SIGTERM and exits 0: it was asked, not killed.
  EXPECT_EQ(Cli("inspect -f '{{.State.ExitCode}}' " + name_), "0");
}

TEST_P(EngineContainerTest, KillEndsTheContainer) {
  RunContainer();
  StartAgent("{action: container.kill}");
  Trigger("kill");
  auto rec = WaitForAction("container.kill");
  ASSERT_FALSE(rec.is_null()) << agent_->Log();
  EXPECT_EQ(rec["outcome"], "done") << rec;
  EXPECT_EQ(rec["details"]["engine"], Engine());
  EXPECT_EQ(State(name_), "exited");
  EXPECT_EQ(Cli("inspect -f '{{.State.ExitCode}}' " + name_), "137") << "SIGKILL";
}

TEST_P(EngineContainerTest, EvidenceOfAnEnginesContainerHoldsItsWritableLayerAndItsCapture) {
  const std::string id = RunContainer();
  Cli("exec " + name_ + " sh -c 'echo dropped > /tmp/dropped-file'");
  std::ofstream(config_, std::ios::app) << "evidence:\n  dir: " << dir_ << "/evidence\n";
  StartAgent("{id: capture, action: capture, params: {before: 3s, after: 500ms}}, "
             "{id: container, action: evidence.container}");
  Trigger("evidence");
  auto rec = WaitForAction("evidence.container");
  ASSERT_FALSE(rec.is_null()) << agent_->Log();
  ASSERT_EQ(rec["outcome"], "done") << rec;
  std::ifstream in(rec["details"]["path"].get<std::string>());
  const auto described = nlohmann::json::parse(in);
  EXPECT_EQ(described["container"]["engine"], Engine());
  EXPECT_EQ(described["container"]["name"], name_);
  bool listed = false;
  for (const auto& e : described["rootfs_diff"]["entries"])
    if (e["path"] == "/tmp/dropped-file")
      listed = e.value("sha256", "") == Sha256Hex("dropped\n");
  EXPECT_TRUE(listed) << described["rootfs_diff"].dump();
  // The capture: its container's records only, its hash the trail's.
  nlohmann::json closed;
  ASSERT_TRUE(WaitFor([&] {
    for (auto& r : Lines(audit_))
      if (r.value("kind", "") == "evidence") closed = r;
    return !closed.is_null();
  }, 10000)) << agent_->Log();
  auto digest = DigestPath(closed["path"].get<std::string>());
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(closed["sha256"], digest->sha256);
  EXPECT_GT(closed["events"].get<int>(), 0);
  std::istringstream replay(Shell(RiposteBinary() + " replay " + closed["path"].get<std::string>() + " 2>/dev/null"));
  size_t events = 0;
  for (std::string line; std::getline(replay, line);) {
    auto e = nlohmann::json::parse(line, nullptr, false);
    if (e.is_discarded() || !e.contains("proc")) continue;
    ++events;
    EXPECT_EQ(e["proc"].value("container_id", ""), id) << line;
  }
  EXPECT_GT(events, 0u);
}

TEST_P(EngineContainerTest, AContainerRemovedBeforeTheActionIsTargetGone) {
  const std::string id = RunContainer();
  Cli("rm -f " + name_);
  int rc = 0;
  std::string out = ShellStatus(RiposteBinary() + " --config " + config_ + " container pause " + id.substr(0, 12) +
                                    " --audit-log " + audit_ + " 2>&1",
                                &rc);
  auto rec = WaitForAction("container.pause", 1000);
  ASSERT_FALSE(rec.is_null()) << out;
  EXPECT_EQ(rec["outcome"], "target_gone") << rec;
}

TEST_P(EngineContainerTest, ContainerListNamesTheEnginesContainers) {
  const std::string id = RunContainer();
  std::string list = Shell(RiposteBinary() + " --config " + config_ + " container list 2>/dev/null");
  bool found = false;
  std::istringstream in(list);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(id.substr(0, 12))) {
      found = true;
      EXPECT_NE(line.find(Engine()), std::string::npos) << line;
      EXPECT_NE(line.find(name_.substr(0, 20)), std::string::npos) << line;
      EXPECT_NE(line.find("RUNNING"), std::string::npos) << line;
    }
  EXPECT_TRUE(found) << list;
}

INSTANTIATE_TEST_SUITE_P(Engines, EngineContainerTest, ::testing::Values("docker", "podman"),
                         [](const auto& info) { return info.param; });

// What only dockerd's containers have: a network of the engine's to quarantine them on,
// and containerd beneath the engine to act through when dockerd is down.
class DockerHostTest : public EngineContainerTest {};

TEST_P(DockerHostTest, QuarantineCutsADockerContainerOffItsNetwork) {
  const std::string id = RunContainer("--network rpnet");
  const std::string pid = Cli("inspect -f '{{.State.Pid}}' " + name_);
  const std::string ip = Cli("inspect -f '{{.NetworkSettings.Networks.rpnet.IPAddress}}' " + name_);
  ASSERT_FALSE(ip.empty());
  const std::string peer = SourceDir() + "/tests/integration/net_peer.py";
  pid_t server = SpawnChild({"/usr/bin/nsenter", "-t", pid, "-n", "python3", peer, "serve", "9090"});
  auto reaches = [&] {
    int rc = 0;
    ShellStatus("python3 " + peer + " probe " + ip + " 9090", &rc);
    return rc == 0;
  };
  ASSERT_TRUE(WaitFor(reaches, 5000)) << "the host does not reach the container at " << ip;
  StartAgent("{action: network.quarantine}");
  Trigger("quarantine");
  auto rec = WaitForAction("network.quarantine");
  ASSERT_FALSE(rec.is_null()) << agent_->Log();
  EXPECT_EQ(rec["outcome"], "done") << rec;
  EXPECT_FALSE(reaches()) << "packets to the quarantined container are dropped";
  agent_.reset();
  std::string out = Shell(RiposteBinary() + " --config " + config_ + " quarantine release " + id.substr(0, 12) +
                          " --audit-log " + dir_ + "/manual.log 2>&1");
  EXPECT_TRUE(WaitFor(reaches, 3000)) << "released: " << out;
  kill(server, SIGKILL);
  WaitChild(server, 2000);
}

TEST_P(DockerHostTest, WithDockerdDownThePauseGoesThroughContainerdAndSaysSo) {
  const std::string id = RunContainer();
  StartAgent("{action: container.pause}");
  // dockerd killed outright: its containers' shims keep them running on containerd.
  Shell("kill -9 $(cat /run/riposte-testenv/docker/dockerd.pid)");
  ASSERT_TRUE(WaitFor([&] { return CounterMoves(100); }, 2000)) << "the container died with dockerd";
  Trigger("fallback");
  auto rec = WaitForAction("container.pause");
  ASSERT_FALSE(rec.is_null()) << agent_->Log();
  EXPECT_EQ(rec["outcome"], "done") << rec;
  EXPECT_EQ(rec["details"]["engine"], "containerd") << rec;
  EXPECT_NE(rec["details"].value("fallback", "").find("does not answer"), std::string::npos) << rec;
  EXPECT_FALSE(CounterMoves(400)) << "frozen through containerd";
  // Detection went on with dockerd away, and the alert still names the container (the
  // description the agent had before).
  auto alert = WaitForAlert(1000);
  EXPECT_EQ(alert["output_fields"]["container.name"], name_) << alert;
  ContainerdClient containerd(containerd_);
  (void)containerd.ResumeTask("moby", id);
  agent_.reset();
  Shell(Script() + " start");  // dockerd back for the tests after this one
}

INSTANTIATE_TEST_SUITE_P(Docker, DockerHostTest, ::testing::Values("docker"), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace riposte::testing
