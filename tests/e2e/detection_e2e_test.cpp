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

namespace riposte::testing {
namespace {

// A newcomer's first hour under the default rules: a C project cloned, built, archived and
// searched below /root (where root's work lives), git, a package listing, a local HTTP
// server and client. None of it is suspicious, and none of it may raise an alert.
TEST_F(DetectionE2E, ANewcomersOwnWorkBelowRootRaisesNothing) {
  char tmpl[] = "/root/riposte-benign-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string work = tmpl;
  const size_t before = AlertsWhere([](const json&) { return true; }, 0).size();
  const int port = 30000 + getpid() % 20000;
  const std::string script =
      "set -e; cd " + work + "; mkdir -p src; "
      "for i in 1 2 3; do printf 'int f%s(void){return %s;}\\n' $i $i > src/f$i.c; done; "
      "printf 'int f1(void);int main(void){return f1()-1;}\\n' > src/main.c; "
      "for f in src/*.c; do cc -O1 -c $f -o ${f%.c}.o; done; ar rcs libf.a src/f*.o; cc -o app src/main.o libf.a; ./app; "
      "tar czf src.tar.gz src; grep -rn 'return' src > /dev/null; "
      "git init -q repo; cd repo; git config user.email t@example.com; git config user.name t; "
      "cp ../src/*.c .; git add .; git commit -qm first; git log --oneline > /dev/null; cd ..; "
      "dpkg -l > /dev/null; "
      "/usr/bin/python3 -m http.server " + std::to_string(port) + " --bind 127.0.0.1 > /dev/null 2>&1 & srv=$!; "
      "for i in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:" + std::to_string(port) + "/ && break; sleep 0.1; done; "
      "kill $srv; wait $srv || true";
  const std::string file = dir_ + "/benign.sh";
  std::ofstream(file) << script << "\n";
  int rc = 0;
  const std::string out = ShellStatus("bash " + file + " 2>&1", &rc);
  EXPECT_EQ(rc, 0) << out;
  auto alerts = AlertsWhere([](const json&) { return true; }, 800);
  std::filesystem::remove_all(work);
  ASSERT_GE(alerts.size(), before);
  std::vector<json> fresh(alerts.begin() + static_cast<std::ptrdiff_t>(before), alerts.end());
  EXPECT_TRUE(fresh.empty()) << json(fresh).dump(2);
}

}  // namespace
}  // namespace riposte::testing

namespace riposte::testing {
namespace {

// What a foothold below /root looks like (a key dropped into .ssh) still raises the alert.
TEST_F(DetectionE2E, WritingBelowRootsSshDirectoryStillRaisesAnAlert) {
  const bool had_ssh = std::filesystem::exists("/root/.ssh");
  std::filesystem::create_directories("/root/.ssh");
  const std::string path = "/root/.ssh/riposte-e2e-" + std::to_string(getpid());
  pid_t pid = Run({"/usr/bin/touch", path});
  std::filesystem::remove(path);
  if (!had_ssh) std::filesystem::remove("/root/.ssh");
  auto alerts = AlertsWhere([&](const json& a) { return FromPid(a, pid); });
  ASSERT_EQ(alerts.size(), 1u) << json(alerts).dump(2);
  EXPECT_EQ(alerts[0]["rule"], "Write below protected directory");
}

}  // namespace
}  // namespace riposte::testing
