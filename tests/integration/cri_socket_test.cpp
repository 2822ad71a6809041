// A runtime riposte reaches only through its CRI socket, as on a CRI-O node: CRI-O is not
// packaged in Debian 12, so the test environment's containerd serves its CRI at a second
// socket path (a link the test makes) while containerd's own API is not given to the agent
// at all. Containers are then described through CRI's ContainerStatus (verbose) and the
// pod's status, and the responders act through CRI: stop works, pause is refused with
// CRI's reason (CRI has no pause call).
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "integration/container_fixture.h"

namespace riposte::testing {
namespace {

class CriSocketTest : public ContainerFixture {
 protected:
  void SetUp() override {
    ContainerFixture::SetUp();
    cri_socket_ = dir_ + "/cri.sock";
    std::filesystem::create_symlink(socket_, cri_socket_);
    // containerd's API at a path where nothing listens: only CRI can describe.
    std::ofstream(config_) << "containers:\n  containerd_socket: " << dir_ << "/no-containerd.sock\n  cri_socket: "
                           << cri_socket_ << "\n  docker_socket: \"\"\n  podman_socket: \"\"\nquarantine:\n  state_file: "
                           << dir_ << "/quarantine.json\n";
    std::ofstream(rules_) << R"(
- rule: Trigger read in a container
  desc: the container tests' trigger
  condition: evt.type in (open, openat) and fd.name startswith /data/trigger- and container.id != host
  output: >-
    trigger read (file=%fd.name type=%container.type name=%container.name image=%container.image
    repo=%container.image.repository tag=%container.image.tag digest=%container.image.digest
    mounts=%container.mounts ns=%k8s.ns.name pod=%k8s.pod.name uid=%k8s.pod.uid app=%k8s.pod.label[app]
    sandbox=%k8s.pod.sandbox_id)
  priority: CRITICAL
)";
  }
  std::string cri_socket_;
};

TEST_F(CriSocketTest, ContainersAreDescribedThroughCriAlone) {
  std::string id;
  auto pod = StartPod("checkout", &id);
  ASSERT_FALSE(id.empty());
  auto agent = StartAgent();
  Trigger("cri");
  ASSERT_TRUE(WaitFor([&] { return !Alerts().empty(); }, 10000)) << agent->Log();
  const json f = Alerts().at(0)["output_fields"];
  EXPECT_EQ(f["container.id"], id.substr(0, 12));
  EXPECT_EQ(f["container.type"], "containerd") << "the CRI runtime's own name, as Falco's plugin reports it";
  EXPECT_EQ(f["container.name"], "web");
  EXPECT_EQ(f["container.image"], "riposte.local/busybox:1");
  EXPECT_EQ(f["container.image.repository"], "riposte.local/busybox");
  EXPECT_EQ(f["container.image.tag"], "1");
  EXPECT_TRUE(f["container.image.digest"].get<std::string>().starts_with("sha256:")) << f.dump();
  EXPECT_NE(f["container.mounts"].get<std::string>().find(":/data:"), std::string::npos) << f["container.mounts"];
  EXPECT_EQ(f["k8s.ns.name"], "shop-prod");
  EXPECT_EQ(f["k8s.pod.name"], "checkout");
  EXPECT_EQ(f["k8s.pod.uid"], pod->uid());
  EXPECT_EQ(f["k8s.pod.label[app]"], "shop");
  EXPECT_EQ(f["k8s.pod.sandbox_id"], pod->sandbox_id().substr(0, 12));
  const std::string log = agent->Log();
  EXPECT_NE(log.find("its containers described through CRI"), std::string::npos) << log;
  EXPECT_NE(log.find(cri_socket_), std::string::npos) << "the configured CRI path is the one used";
  EXPECT_EQ(agent->Stop(), 0);
}

TEST_F(CriSocketTest, StopActsThroughCri) {
  json rec = Answer("container.stop", "{action: container.stop, params: {grace_period: 10s}}");
  ASSERT_FALSE(rec.is_null());
  EXPECT_EQ(rec["outcome"], "done") << rec.dump() << agent_->Log();
  EXPECT_EQ(rec["details"]["engine"], "cri");
  EXPECT_EQ(rec["details"]["stopped_by"], "cri");
  EXPECT_EQ(rec["details"]["pod"], "shop-prod/checkout");
  EXPECT_EQ(rec["details"]["status_after"], "STOPPED");
  StoppedOrGone();
}

TEST_F(CriSocketTest, PauseIsRefusedWithCrisReason) {
  json rec = Answer("container.pause", "{action: container.pause}");
  ASSERT_FALSE(rec.is_null());
  EXPECT_EQ(rec["outcome"], "failed") << rec.dump();
  EXPECT_NE(rec.value("error", "").find("CRI has no pause call"), std::string::npos) << rec.dump();
  EXPECT_EQ(rec["details"]["engine"], "cri");
  EXPECT_TRUE(CounterMoves(300)) << "the container runs on: nothing was paused";
}

// An operator's stop by the 12-character id an alert shows: found in CRI's listing, with
// no containerd to ask, and stopped through CRI.
TEST_F(CriSocketTest, AManualStopByShortIdFindsTheContainerThroughCri) {
  std::string id;
  pod_ = StartPod("checkout", &id);
  ASSERT_FALSE(id.empty());
  id_ = id;
  const std::string trail = dir_ + "/operator-audit.log";
  int rc = 0;
  std::string out = ShellStatus(RiposteBinary() + " --config " + config_ + " container stop " + id.substr(0, 12) +
                                    " --grace-period 5s --audit-log " + trail + " 2>&1",
                                &rc);
  EXPECT_EQ(rc, 0) << out;
  auto records = Lines(trail);
  ASSERT_FALSE(records.empty()) << out;
  EXPECT_EQ(records.back()["action"], "container.stop");
  EXPECT_EQ(records.back()["outcome"], "done") << records.back().dump();
  EXPECT_EQ(records.back()["details"]["engine"], "cri");
  StoppedOrGone();
  // A container CRI does not have, with no containerd here: gone, not "try again".
  out = ShellStatus(RiposteBinary() + " --config " + config_ + " container stop 0123456789ab --audit-log " + trail +
                        " 2>&1",
                    &rc);
  records = Lines(trail);
  EXPECT_EQ(records.back()["outcome"], "target_gone") << out;
  EXPECT_EQ(records.back()["error"], "no container with id 0123456789ab in containerd or CRI") << out;
}

}  // namespace
}  // namespace riposte::testing
