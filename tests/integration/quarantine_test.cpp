// network.quarantine and network.release on real pods: two pods on the test
// environment's CNI bridge (a workload and a server, each in its own network namespace),
// real TCP between them, `riposte run` quarantining the workload when it reads its
// trigger. Checks both directions, an already-open connection, the allow list, the
// record surviving an agent restart, and an exact release. Traffic never leaves the
// machine: both peers are pods in namespaces the test environment made.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/audit_verifier.h"
#include "integration/capture_harness.h"
#include "integration/container_fixture.h"

namespace riposte::testing {
namespace {

class QuarantineTest : public ContainerFixture {
 protected:
  // The first process of a container, to enter its network namespace from the host.
  pid_t TaskPid(const std::string& id) { return static_cast<pid_t>(Task(id).pid); }
  std::string InNetns(pid_t pid) { return "nsenter -t " + std::to_string(pid) + " -n "; }
  std::string PodIp(pid_t pid) {
    return Shell(InNetns(pid) + "ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1");
  }
  std::string Peer() { return SourceDir() + "/tests/integration/net_peer.py"; }
  // Whether a new connection from the namespace of `from` reaches host:port and echoes.
  bool Reaches(pid_t from, const std::string& host, int port) {
    int rc = 0;
    ShellStatus(InNetns(from) + "python3 " + Peer() + " probe " + host + " " + std::to_string(port), &rc);
    return rc == 0;
  }
  long HeldRoundTrips() {
    std::ifstream in(dir_ + "/held");
    long v = 0;
    in >> v;
    return v;
  }
  bool HeldConnectionMoves(int ms) {
    long before = HeldRoundTrips();
    std::this_thread::sleep_for(milliseconds(ms));
    return HeldRoundTrips() > before;
  }
  std::vector<json> Quarantines() {
    std::ifstream in(dir_ + "/quarantine.json");
    auto j = json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.contains("quarantines")) return {};
    return j["quarantines"].get<std::vector<json>>();
  }
};

TEST_F(QuarantineTest, CutsBothDirectionsAndOpenConnectionsExceptTheAllowListAndReleasesExactly) {
  // The server pod: echo servers on 8080 (to be cut off) and 8081 (allowed).
  TestPod server(socket_, "server", "shop-prod", {{"app", "server"}});
  ASSERT_TRUE(server.ok()) << server.error();
  std::string server_id = server.AddContainer("srv", {"/bin/sh", "-c", "while true; do sleep 1; done"});
  ASSERT_FALSE(server_id.empty()) << server.error();
  const pid_t server_pid = TaskPid(server_id);
  const std::string server_ip = PodIp(server_pid);
  ASSERT_FALSE(server_ip.empty());
  pid_t servers = SpawnChild({"/usr/bin/nsenter", "-t", std::to_string(server_pid), "-n", "python3", Peer(), "serve",
                              "8080", "8081"});

  // The workload pod: the counter loop, plus an echo server of its own on 9090.
  std::string id;
  auto workload = StartPod("checkout", &id);
  ASSERT_FALSE(id.empty());
  const pid_t workload_pid = TaskPid(id);
  const std::string workload_ip = PodIp(workload_pid);
  pid_t workload_server = SpawnChild({"/usr/bin/nsenter", "-t", std::to_string(workload_pid), "-n", "python3", Peer(),
                                      "serve", "9090"});
  ASSERT_TRUE(WaitFor([&] { return Reaches(workload_pid, server_ip, 8080); }, 5000)) << "no route between the pods";
  ASSERT_TRUE(WaitFor([&] { return Reaches(server_pid, workload_ip, 9090); }, 5000));
  // A connection open before the quarantine, exchanging a message every 50 ms.
  pid_t held = SpawnChild({"/usr/bin/nsenter", "-t", std::to_string(workload_pid), "-n", "python3", Peer(), "hold",
                           server_ip, "8080", dir_ + "/held"});
  ASSERT_TRUE(WaitFor([&] { return HeldRoundTrips() > 3; }, 5000));

  agent_ = StartAgent("- policy: isolate\n  match: {rules: [Trigger read in a container]}\n  actions:\n"
                      "    - action: network.quarantine\n      params: {allow: [{cidr: " + server_ip +
                      "/32, ports: [8081], protocol: tcp}]}\n");
  Trigger("quarantine");
  json rec = WaitForAction("network.quarantine");
  ASSERT_FALSE(rec.is_null()) << agent_->Log();
  EXPECT_EQ(rec["outcome"], "done") << rec.dump();
  EXPECT_EQ(rec["details"]["container_id"], id);

  EXPECT_FALSE(HeldConnectionMoves(800)) << "an established connection must stop passing traffic";
  EXPECT_FALSE(Reaches(workload_pid, server_ip, 8080)) << "new connections out are cut";
  EXPECT_FALSE(Reaches(server_pid, workload_ip, 9090)) << "new connections in are cut";
  EXPECT_TRUE(Reaches(workload_pid, server_ip, 8081)) << "the allowed peer and port still work";
  EXPECT_TRUE(Reaches(workload_pid, "127.0.0.1", 9090)) << "loopback inside the pod still works";

  // Recorded, and the record outlives the agent.
  auto records = Quarantines();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["container_id"], id);
  EXPECT_EQ(records[0]["pod"], "shop-prod/checkout");
  EXPECT_EQ(records[0]["policy"], "isolate");
  EXPECT_EQ(agent_->Stop(), 0);
  agent_ = StartAgent("- policy: isolate\n  match: {rules: [Trigger read in a container]}\n  actions:\n"
                      "    - action: network.quarantine\n");
  EXPECT_NE(agent_->Log().find("quarantine netns:"), std::string::npos) << agent_->Log();
  EXPECT_NE(agent_->Log().find("in force"), std::string::npos) << agent_->Log();
  std::string list = Shell(RiposteBinary() + " --config " + config_ + " quarantine list");
  EXPECT_NE(list.find("in-force"), std::string::npos) << list;
  EXPECT_NE(list.find(id.substr(0, 12)), std::string::npos) << list;
  EXPECT_FALSE(Reaches(workload_pid, server_ip, 8080)) << "the quarantine stays while the agent restarts";

  // Release by hand: everything works again, the already-open connection included.
  int rc = 0;
  std::string out = ShellStatus(RiposteBinary() + " --config " + config_ + " quarantine release " + id.substr(0, 12) +
                                    " --audit-log " + dir_ + "/operator-audit.log 2>&1",
                                &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_TRUE(Reaches(workload_pid, server_ip, 8080));
  EXPECT_TRUE(Reaches(server_pid, workload_ip, 9090));
  EXPECT_TRUE(WaitFor([&] { return HeldConnectionMoves(200); }, 5000)) << "the held connection recovers";
  EXPECT_TRUE(Quarantines().empty());
  EXPECT_EQ(Shell(InNetns(workload_pid) + "nft list tables"), "") << "release leaves no table behind";
  auto manual = Lines(dir_ + "/operator-audit.log");
  ASSERT_FALSE(manual.empty());
  EXPECT_EQ(manual.back()["action"], "network.release");
  EXPECT_EQ(manual.back()["outcome"], "done");
  EXPECT_TRUE(VerifyAuditChain({dir_ + "/operator-audit.log"}).ok);

  for (pid_t p : {held, workload_server, servers}) kill(p, SIGKILL), WaitChild(p, 2000);
  EXPECT_EQ(agent_->Stop(), 0);
  EXPECT_TRUE(VerifyAuditChain({audit_}).ok);
}

TEST_F(QuarantineTest, DryRunChangesNothing) {
  json rec = Answer("network.quarantine", "{action: network.quarantine}", "", "dry-run");
  ASSERT_FALSE(rec.is_null());
  EXPECT_EQ(rec["outcome"], "would_have") << rec.dump();
  EXPECT_NE(rec["details"]["would"].get<std::string>().find("drop every packet"), std::string::npos);
  EXPECT_TRUE(Quarantines().empty());
  EXPECT_EQ(Shell(InNetns(TaskPid(id_)) + "nft list tables"), "");
}

TEST_F(QuarantineTest, AContainerOnTheHostNetworkIsNeverQuarantined) {
  TestPod pod(socket_, "hostnet", "shop-prod", {{"app", "hostnet"}}, /*host_network=*/true);
  ASSERT_TRUE(pod.ok()) << pod.error();
  std::string id = pod.AddContainer("web", kCounterLoop, dir_ + "/data");
  ASSERT_FALSE(id.empty()) << pod.error();
  ASSERT_TRUE(WaitFor([&] { return Counter() > 0; }, 10000));
  agent_ = StartAgent("- policy: isolate\n  match: {rules: [Trigger read in a container]}\n"
                      "  actions: [{action: network.quarantine}]\n");
  Trigger("hostnet");
  json rec = WaitForAction("network.quarantine");
  ASSERT_FALSE(rec.is_null()) << agent_->Log();
  EXPECT_EQ(rec["outcome"], "skipped_protected") << rec.dump();
  EXPECT_NE(rec.value("error", "").find("host network"), std::string::npos) << rec.dump();
  EXPECT_EQ(Shell("nft list tables").find("riposte_quarantine"), std::string::npos) << "nothing on the node's own rules";
  EXPECT_TRUE(Quarantines().empty());
}

}  // namespace
}  // namespace riposte::testing
