// Containers and pods end to end, on the test environment's real containerd with its CRI
// plugin: pods created through CRI as a kubelet creates them, `riposte run` watching the
// real kernel, and policies pausing, stopping and killing the pods' containers through
// containerd and CRI. Also what happens when containerd goes away mid-run and when the
// container is gone before the action.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "audit/audit_verifier.h"
#include "integration/capture_harness.h"
#include "integration/container_fixture.h"

namespace riposte::testing {
namespace {

class ContainerResponseTest : public ContainerFixture {};

void ExpectEnriched(const json& alert, const std::string& id, const TestPod& pod) {
  const json& f = alert["output_fields"];
  EXPECT_EQ(f["container.id"], id.substr(0, 12));
  EXPECT_EQ(f["container.name"], "web");
  EXPECT_EQ(f["container.image"], "riposte.local/busybox:1");
  EXPECT_EQ(f["container.image.repository"], "riposte.local/busybox");
  EXPECT_EQ(f["container.image.tag"], "1");
  EXPECT_EQ(f["container.privileged"], false);
  EXPECT_NE(f["container.mounts"].get<std::string>().find(":/data:"), std::string::npos) << f["container.mounts"];
  EXPECT_EQ(f["k8s.ns.name"], "shop-prod");
  EXPECT_EQ(f["k8s.pod.name"], "checkout");
  EXPECT_EQ(f["k8s.pod.uid"], pod.uid());
  EXPECT_EQ(f["k8s.pod.labels"], "app:shop, tier:web");
  EXPECT_EQ(f["k8s.pod.label[app]"], "shop");
  EXPECT_EQ(f["k8s.pod.sandbox_id"], pod.sandbox_id().substr(0, 12));
}

TEST_F(ContainerResponseTest, APodStartedBeforeTheAgentIsEnrichedFromItsFirstEvent) {
  std::string id;
  auto pod = StartPod("checkout", &id);
  ASSERT_FALSE(id.empty());
  auto agent = StartAgent();
  Trigger("early");
  ASSERT_TRUE(WaitFor([&] { return !Alerts().empty(); }, 10000)) << agent->Log();
  auto alerts = Alerts();
  ASSERT_EQ(alerts.size(), 1u);
  ExpectEnriched(alerts[0], id, *pod);
  EXPECT_EQ(agent->Stop(), 0);
}

TEST_F(ContainerResponseTest, APodStartedAfterTheAgentIsEnrichedFromItsEvents) {
  auto agent = StartAgent();
  std::string id;
  auto pod = StartPod("checkout", &id);
  ASSERT_FALSE(id.empty());
  Trigger("late");
  ASSERT_TRUE(WaitFor([&] { return !Alerts().empty(); }, 10000)) << agent->Log();
  ExpectEnriched(Alerts().at(0), id, *pod);
  EXPECT_EQ(agent->Stop(), 0);
}

TEST_F(ContainerResponseTest, PauseFreezesTheContainerAndResumeRestoresIt) {
  json rec = Answer("container.pause", "{action: container.pause}");
  ASSERT_FALSE(rec.is_null());
  EXPECT_EQ(rec["outcome"], "done") << rec.dump();
  EXPECT_EQ(rec["details"]["container_id"], id_);
  EXPECT_EQ(rec["details"]["pod"], "shop-prod/checkout");
  EXPECT_EQ(rec["details"]["status_before"], "RUNNING");
  EXPECT_EQ(Task(id_).status, TaskStatus::kPaused);
  EXPECT_FALSE(CounterMoves(500)) << "a paused container's processes must not run";

  // Release: the operator resumes it, and that is audited too.
  const std::string manual_audit = dir_ + "/operator-audit.log";
  int rc = 0;
  std::string out = ShellStatus(RiposteBinary() + " --config " + config_ + " container resume " + id_.substr(0, 12) +
                                    " --audit-log " + manual_audit + " 2>&1",
                                &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(Task(id_).status, TaskStatus::kRunning);
  EXPECT_TRUE(CounterMoves(300));
  auto manual = Lines(manual_audit);
  ASSERT_FALSE(manual.empty());
  EXPECT_EQ(manual.back()["action"], "container.resume");
  EXPECT_EQ(manual.back()["policy"], "manual");
  EXPECT_EQ(manual.back()["outcome"], "done");
  EXPECT_TRUE(VerifyAuditChain({manual_audit}).ok);
  // The agent's own trail has one writer: a second one is refused, not interleaved.
  out = ShellStatus(RiposteBinary() + " --config " + config_ + " container pause " + id_ + " --audit-log " + audit_ +
                        " 2>&1",
                    &rc);
  EXPECT_NE(rc, 0);
  EXPECT_NE(out.find("another riposte process"), std::string::npos) << out;
  EXPECT_EQ(Task(id_).status, TaskStatus::kRunning);
  EXPECT_EQ(agent_->Stop(), 0);
  EXPECT_TRUE(VerifyAuditChain({audit_}).ok);
}

TEST_F(ContainerResponseTest, StopEndsTheTaskWithinTheGracePeriod) {
  json rec = Answer("container.stop", "{action: container.stop, params: {grace_period: 10s}}");
  ASSERT_FALSE(rec.is_null());
  EXPECT_EQ(rec["outcome"], "done") << rec.dump();
  // The workload exits on SIGTERM, so the stop ends well inside the grace period.
  EXPECT_LT(rec["duration_us"].get<int64_t>(), 5'000'000) << rec.dump();
  // (That it exited on SIGTERM, not on the grace period's SIGKILL, the duration shows.)
  std::optional<TaskState> t = StoppedOrGone();
  if (t) {
    EXPECT_EQ(t->exit_status, 0u) << "SIGTERM honoured, not killed";
  }
}

TEST_F(ContainerResponseTest, KillSendsTheSignalToEveryProcess) {
  json rec = Answer("container.kill", "{action: container.kill, params: {signal: SIGKILL}}");
  ASSERT_FALSE(rec.is_null());
  EXPECT_EQ(rec["outcome"], "done") << rec.dump();
  std::optional<TaskState> t = StoppedOrGone();
  if (t) {
    EXPECT_EQ(t->exit_status, 128u + SIGKILL);
  }
}

TEST_F(ContainerResponseTest, PodStopStopsEveryContainerOfThePod) {
  json rec = Answer("pod.stop", "{action: pod.stop, params: {grace_period: 5s}}", "sidecar");
  ASSERT_FALSE(rec.is_null());
  EXPECT_EQ(rec["outcome"], "done") << rec.dump();
  auto containers = pod_->cri().ListContainers(pod_->sandbox_id());
  ASSERT_TRUE(containers.ok()) << containers.error().message;
  ASSERT_EQ(containers->size(), 2u);
  for (const auto& c : *containers) EXPECT_EQ(c.state, "CONTAINER_EXITED") << c.name;
}

TEST_F(ContainerResponseTest, DryRunRecordsThePauseAndLeavesTheContainerRunning) {
  json rec = Answer("container.pause", "{action: container.pause}", "", "dry-run");
  ASSERT_FALSE(rec.is_null());
  EXPECT_EQ(rec["outcome"], "would_have") << rec.dump();
  EXPECT_EQ(rec["details"]["container_id"], id_);
  EXPECT_EQ(Task(id_).status, TaskStatus::kRunning);
  EXPECT_TRUE(CounterMoves(300));
}

TEST_F(ContainerResponseTest, ContainerdDownMidRunIsAuditedAsFailedAndDetectionGoesOn) {
  std::string id;
  auto pod = StartPod("checkout", &id);
  ASSERT_FALSE(id.empty());
  auto agent = StartAgent("- policy: freeze\n  match: {rules: [Trigger read in a container]}\n"
                          "  actions: [{action: container.pause}]\n  dedup_window: 0s\n");
  // containerd crashes; runc's shims keep the containers running without it.
  const std::string env = SourceDir() + "/deploy/testenv/containerd-env.sh";
  Shell("kill -9 $(cat /run/riposte-testenv/containerd.pid)");
  Trigger("down-1");
  json rec = WaitForAction("container.pause", 20000);
  ASSERT_FALSE(rec.is_null()) << agent->Log();
  EXPECT_EQ(rec["outcome"], "failed") << rec.dump();
  EXPECT_FALSE(rec.value("error", "").empty());
  EXPECT_GE(rec["details"].value("attempts", 0), 2) << "retried with backoff before failing: " << rec.dump();
  // The agent keeps detecting while containerd is down.
  Trigger("down-2");
  EXPECT_TRUE(WaitFor([&] { return Alerts().size() >= 2; }, 10000)) << agent->Log();
  EXPECT_EQ(kill(agent->pid(), 0), 0) << "the agent is still running";
  // containerd back: the next action works again. "Back" is when the agent has seen it
  // serve again: the runtime's socket answers some time after its start returns, and an
  // alert handled in between fails like the ones before (the agent is fast enough now,
  // with the kernel record filter, to get there first).
  Shell(env + " start");
  ASSERT_TRUE(agent->WaitForLog("is reachable again", 30000)) << agent->Log();
  Trigger("up");
  EXPECT_TRUE(WaitFor([&] {
    auto all = ActionResults("container.pause");
    return !all.empty() && all.back()["outcome"] == "done";
  }, 20000)) << agent->Log();
  EXPECT_EQ(Task(id).status, TaskStatus::kPaused);
  EXPECT_EQ(agent->Stop(), 0);
  EXPECT_TRUE(VerifyAuditChain({audit_}).ok);
}

TEST_F(ContainerResponseTest, AContainerGoneBeforeTheActionIsTargetGone) {
  // The alert comes from Falco through `riposte respond`, about a container that was
  // removed after Falco saw it: the action finds nothing to act on.
  std::string id;
  {
    auto pod = StartPod("checkout", &id);
    ASSERT_FALSE(id.empty());
  }  // stopped and removed
  std::ofstream(policies_) << "- policy: freeze\n  match: {rules: [Terminal shell in container]}\n"
                              "  actions: [{action: container.pause}]\n";
  const int port = 20000 + (getpid() + 7) % 20000;
  std::ofstream(dir_ + "/tokens") << "test 0123456789abcdef0123456789abcdef\n";
  std::filesystem::permissions(dir_ + "/tokens", std::filesystem::perms(0600));
  AgentProcess respond({"--config", config_, "respond", "--socket", dir_ + "/respond.sock", "--listen",
                        "127.0.0.1:" + std::to_string(port), "--token-file", dir_ + "/tokens",
                        "--policies", policies_, "--audit-log", audit_},
                       dir_ + "/respond.log", "accepting Falco alerts");
  ASSERT_TRUE(respond.ready()) << respond.Log();
  json alert = {{"time", "2099-01-01T00:00:00.000000000Z"},
                {"rule", "Terminal shell in container"},
                {"priority", "Notice"},
                {"output", "A shell was spawned"},
                {"output_fields", {{"proc.pid", 4194000}, {"container.id", id.substr(0, 12)}}}};
  httplib::Client client("127.0.0.1", port);
  client.set_bearer_token_auth("0123456789abcdef0123456789abcdef");
  auto res = client.Post("/", alert.dump(), "application/json");
  ASSERT_TRUE(res);
  auto body = json::parse(res->body);
  ASSERT_EQ(body["actions"].size(), 1u) << res->body;
  EXPECT_EQ(body["actions"][0]["outcome"], "target_gone") << res->body;
  EXPECT_EQ(respond.Stop(), 0);
}

}  // namespace
}  // namespace riposte::testing
