// End to end: the `riposte run` binary with the default ruleset, real behaviours on this
// host, in a real containerd container and against a listener in a network namespace.
// Each behaviour must produce exactly one alert, from the right rule, with the right
// output fields; benign activity must produce none.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "integration/agent_process.h"
#include "integration/capture_harness.h"

namespace riposte::testing {
namespace {

using nlohmann::json;

class DetectionE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = "/tmp/riposte-e2e-" + std::to_string(getpid());
    std::filesystem::create_directories(dir_);
    alerts_ = dir_ + "/alerts.json";
    agent_ = new AgentProcess({"run", "--rules", SourceDir() + "/rules", "--alerts-file", alerts_, "--duration", "300"},
                              dir_ + "/agent.log");
  }
  static void TearDownTestSuite() {
    agent_->Stop();
    delete agent_;
    std::filesystem::remove_all(dir_);
  }

  void SetUp() override { ASSERT_TRUE(agent_->ready()) << agent_->Log(); }

  // Alerts so far for which `match` holds, after giving the agent time to drain.
  std::vector<json> AlertsWhere(const std::function<bool(const json&)>& match, int settle_ms = 600) {
    std::this_thread::sleep_for(std::chrono::milliseconds(settle_ms));
    std::vector<json> out;
    std::istringstream in(ReadFileText(alerts_));
    std::string line;
    while (std::getline(in, line)) {
      auto j = json::parse(line, nullptr, false);
      if (!j.is_discarded() && match(j)) out.push_back(j);
    }
    return out;
  }

  // Runs `argv` to its end; returns its pid.
  static pid_t Run(const std::vector<std::string>& argv) {
    pid_t pid = SpawnChild(argv);
    WaitChild(pid, 60000);
    return pid;
  }

  static std::string dir_, alerts_;
  static AgentProcess* agent_;  // one agent for the suite, started before its first test
};

std::string DetectionE2E::dir_, DetectionE2E::alerts_;
AgentProcess* DetectionE2E::agent_ = nullptr;

bool FromPid(const json& a, pid_t pid) {
  return a["output_fields"].contains("proc.pid") && a["output_fields"]["proc.pid"] == pid;
}

TEST_F(DetectionE2E, ReadingShadowRaisesExactlyOneSensitiveFileAlert) {
  pid_t pid = Run({"/bin/cat", "/etc/shadow"});
  auto alerts = AlertsWhere([&](const json& a) { return FromPid(a, pid); });
  ASSERT_EQ(alerts.size(), 1u) << json(alerts).dump(2);
  EXPECT_EQ(alerts[0]["rule"], "Sensitive file read");
  EXPECT_EQ(alerts[0]["priority"], "Warning");
  EXPECT_EQ(alerts[0]["source"], "syscall");
  EXPECT_EQ(alerts[0]["output_fields"]["fd.name"], "/etc/shadow");
  EXPECT_EQ(alerts[0]["output_fields"]["proc.name"], "cat");
  EXPECT_EQ(alerts[0]["output_fields"]["container.id"], "host");
  EXPECT_NE(alerts[0]["tags"], json::array());
  EXPECT_TRUE(alerts[0]["time"].get<std::string>().ends_with("Z"));
}

TEST_F(DetectionE2E, WritingBelowEtcRaisesExactlyOneAlert) {
  const std::string path = "/etc/riposte-e2e-" + std::to_string(getpid());
  pid_t pid = Run({"/usr/bin/touch", path});
  std::filesystem::remove(path);
  auto alerts = AlertsWhere([&](const json& a) { return FromPid(a, pid); });
  ASSERT_EQ(alerts.size(), 1u) << json(alerts).dump(2);
  EXPECT_EQ(alerts[0]["rule"], "Write below protected directory");
  EXPECT_EQ(alerts[0]["output_fields"]["fd.name"], path);
  EXPECT_NE(alerts[0]["output_fields"]["evt.arg.flags"].get<std::string>().find("O_CREAT"), std::string::npos);
}

TEST_F(DetectionE2E, ConnectingToAListenerInANetworkNamespaceOnASuspiciousPort) {
  // A test host in a network namespace of our own, reached over a veth pair.
  const std::string ns = "rpe2e" + std::to_string(getpid() % 100000);
  Shell("ip netns add " + ns);
  Shell("ip link add " + ns + "h type veth peer name " + ns + "n");
  Shell("ip link set " + ns + "n netns " + ns);
  Shell("ip addr add 10.213.7.1/30 dev " + ns + "h && ip link set " + ns + "h up");
  Shell("ip netns exec " + ns + " sh -c 'ip addr add 10.213.7.2/30 dev " + ns + "n && ip link set " + ns +
        "n up && ip link set lo up'");
  pid_t listener = fork();
  if (listener == 0) {
    execl("/usr/sbin/ip", "ip", "netns", "exec", ns.c_str(), "python3", "-c",
          "import socket,time\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
          "s.settimeout(20)\ns.bind(('10.213.7.2',4444))\ns.listen(1)\nc,_=s.accept()\ntime.sleep(0.2)", nullptr);
    _exit(127);
  }
  // Connect only once the listener listens (a fixed wait lost the race on a loaded machine).
  for (int i = 0; i < 200 && Shell("ip netns exec " + ns + " ss -ltnH 'sport = :4444'").empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  pid_t pid = Run({WorkloadPath(), "connect", "10.213.7.2", "4444"});
  waitpid(listener, nullptr, 0);
  Shell("ip link del " + ns + "h 2>/dev/null || true");
  Shell("ip netns del " + ns);
  auto alerts = AlertsWhere([&](const json& a) { return FromPid(a, pid); });
  ASSERT_EQ(alerts.size(), 1u) << json(alerts).dump(2);
  EXPECT_EQ(alerts[0]["rule"], "Connection to suspicious port");
  EXPECT_EQ(alerts[0]["output_fields"]["fd.rport"], 4444);
  EXPECT_NE(alerts[0]["output_fields"]["fd.name"].get<std::string>().find("10.213.7.1:"), std::string::npos);
  EXPECT_NE(alerts[0]["output_fields"]["fd.name"].get<std::string>().find("->10.213.7.2:4444"), std::string::npos);
}

TEST_F(DetectionE2E, AShellInAContainerdContainerRaisesExactlyOneAlert) {
  const std::string env = SourceDir() + "/deploy/testenv/containerd-env.sh";
  const std::string sock = Shell(env + " start");
  const std::string rootfs = Shell(env + " rootfs");
  const std::string id = "rpe2e-" + std::to_string(getpid());
  Run({"/usr/bin/ctr", "--address", sock, "-n", "default", "run", "--rm", "--rootfs", rootfs, id, "/bin/sh", "-c",
       "cat /etc/hostname"});
  auto alerts = AlertsWhere([&](const json& a) {
    return a["output_fields"].contains("container.id") && a["output_fields"]["container.id"] == id.substr(0, 12);
  });
  ASSERT_EQ(alerts.size(), 1u) << json(alerts).dump(2);
  EXPECT_EQ(alerts[0]["rule"], "Shell in container");
  EXPECT_EQ(alerts[0]["output_fields"]["proc.name"], "sh");
  EXPECT_EQ(alerts[0]["priority"], "Notice");
}

TEST_F(DetectionE2E, BenignActivityRaisesNothing) {
  const std::string src = dir_ + "/hello.c";
  std::ofstream(src) << "int main(void) { return 0; }\n";
  std::vector<pid_t> pids;
  pids.push_back(Run({"/usr/bin/cc", "-c", src, "-o", dir_ + "/hello.o"}));
  pids.push_back(Run({"/bin/ls", "-la", "/usr/bin"}));
  pids.push_back(Run({"/bin/cat", "/etc/hostname", "/etc/os-release"}));
  pids.push_back(Run({"/usr/bin/find", "/usr/share/doc", "-maxdepth", "1"}));
  auto alerts = AlertsWhere([&](const json& a) {
    // cc runs helpers (cc1, as, collect2) as its children: match the whole subtree by
    // the directory they work in.
    std::string dump = a.dump();
    for (pid_t p : pids)
      if (FromPid(a, p)) return true;
    return dump.find(dir_) != std::string::npos;
  });
  EXPECT_TRUE(alerts.empty()) << json(alerts).dump(2);
}

}  // namespace
}  // namespace riposte::testing
