// A process inside a real containerd container (runc, started with ctr from a local
// busybox rootfs) carries that container's id; host processes carry none.
#include <unistd.h>

#include <gtest/gtest.h>

#include "integration/capture_harness.h"

namespace riposte::testing {
namespace {

TEST(ContainerCapture, ProcessInAContainerdContainerCarriesItsContainerId) {
  const std::string env = SourceDir() + "/deploy/testenv/containerd-env.sh";
  const std::string sock = Shell(env + " start");
  const std::string rootfs = Shell(env + " rootfs");
  const std::string id = "riposte-it-" + std::to_string(getpid());

  pid_t ctr = 0;
  auto got = CaptureWhile({}, {"/usr/bin/ctr", "--address", sock, "-n", "default", "run", "--rm",
                               "--rootfs", rootfs, id, "/bin/cat", "/etc/hostname"},
                          &ctr, 500);
  bool exec_seen = false, open_seen = false;
  for (const auto& e : got.events) {
    if (!e.contains("proc") || e["proc"]["container_id"] != id) continue;
    if (e["type"] == "procexec" && e["proc"]["exepath"] == "/bin/cat") {
      exec_seen = true;
      EXPECT_EQ(e["proc"]["cgroup"], "/default/" + id);
      EXPECT_EQ(e["proc"]["args"], nlohmann::json::array({"/etc/hostname"}));
      EXPECT_EQ(e["proc"]["vpid"], 1u);  // the container's init, in its own pid namespace
    }
    if (e["type"] == "openat" && e["args"]["name"] == "/etc/hostname" && e["ret"].get<int>() >= 0)
      open_seen = true;
  }
  EXPECT_TRUE(exec_seen) << "no exec of /bin/cat inside container " << id;
  EXPECT_TRUE(open_seen) << "no open of /etc/hostname inside container " << id;
  // ctr itself runs on the host.
  auto ctr_events = got.Of(ctr, "procexec");
  ASSERT_FALSE(ctr_events.empty());
  EXPECT_EQ(ctr_events[0]["proc"]["container_id"], "host");
}

}  // namespace
}  // namespace riposte::testing
