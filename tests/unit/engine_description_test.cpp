// A Docker-API engine's inspect documents (in the shapes dockerd 20.10 and podman 4.3
// answer with, trimmed) read into ContainerInfo as Falco's container plugin reads them.
#include "containers/engine_description.h"

#include <gtest/gtest.h>

#include "containers/docker_api_client.h"

namespace riposte {
namespace {

using nlohmann::json;

const json kDockerInspect = json::parse(R"({
  "Id": "cefbcb7f740694d7c2ef5007e22c399fdee879e475e18b404bc4996564276f39",
  "Created": "2026-12-02T01:37:45.709448031Z",
  "Name": "/rpe-victim",
  "Image": "sha256:6b338286092210d55a1b166942ae4034e89c49c00debcffebd5d04e99a005684",
  "State": {"Status": "running", "Running": true, "Paused": false, "Pid": 11037, "ExitCode": 0},
  "HostConfig": {"Privileged": false, "NetworkMode": "host", "PidMode": "", "IpcMode": "private"},
  "Mounts": [{"Type": "bind", "Source": "/etc", "Destination": "/host/etc", "Mode": "ro", "RW": false,
              "Propagation": "rprivate"}],
  "Config": {"Image": "riposte.local/busybox:1",
             "Labels": {"team": "red", "com.docker.compose.service": "web", "long": "LONG"}},
  "NetworkSettings": {"IPAddress": "172.17.0.2", "SandboxKey": "/var/run/docker/netns/af612ef7ad8c"}
})");

const json kImage = json::parse(R"({
  "Id": "sha256:6b338286092210d55a1b166942ae4034e89c49c00debcffebd5d04e99a005684",
  "RepoTags": ["riposte.local/busybox:1"],
  "RepoDigests": ["riposte.local/busybox@sha256:1111111111111111111111111111111111111111111111111111111111111111"]
})");

json WithLongLabel() {
  json j = kDockerInspect;
  j["Config"]["Labels"]["long"] = std::string(101, 'x');
  return j;
}

TEST(EngineDescription, DockersInspectDocumentGivesTheFieldsFalcosPluginGives) {
  ContainerInfo i = DescribeEngineContainer(WithLongLabel(), kImage, "docker");
  EXPECT_EQ(i.engine, "docker");
  EXPECT_TRUE(i.engine_described);
  EXPECT_EQ(i.runtime_namespace, "moby") << "where a containerd fallback acts";
  EXPECT_EQ(i.id, "cefbcb7f740694d7c2ef5007e22c399fdee879e475e18b404bc4996564276f39");
  EXPECT_EQ(i.name, "rpe-victim") << "without Docker's leading slash";
  EXPECT_EQ(i.image, "riposte.local/busybox:1") << "as the user ran it";
  EXPECT_EQ(i.image_repository, "riposte.local/busybox");
  EXPECT_EQ(i.image_tag, "1");
  EXPECT_EQ(i.image_id, "6b338286092210d55a1b166942ae4034e89c49c00debcffebd5d04e99a005684");
  EXPECT_EQ(i.image_digest, "sha256:1111111111111111111111111111111111111111111111111111111111111111");
  EXPECT_EQ(i.ip, "172.17.0.2");
  EXPECT_EQ(i.host_network, true);
  EXPECT_EQ(i.host_ipc, false);
  EXPECT_FALSE(i.privileged);
  EXPECT_EQ(i.labels.at("team"), "red");
  EXPECT_EQ(i.labels.at("com.docker.compose.service"), "web");
  EXPECT_FALSE(i.labels.contains("long")) << "a value over 100 characters is left out, as the plugin does";
  ASSERT_EQ(i.mounts.size(), 1u);
  EXPECT_EQ(i.mounts[0].source, "/etc");
  EXPECT_EQ(i.mounts[0].dest, "/host/etc");
  EXPECT_FALSE(i.mounts[0].read_write);
  EXPECT_EQ(i.mounts_text, "/etc:/host/etc:ro:false:rprivate");
  EXPECT_EQ(i.created_ns, 1796175465709448031);
}

TEST(EngineDescription, WithoutTheImageDocumentTheImageNamesAreEmptyAsInFalco) {
  ContainerInfo i = DescribeEngineContainer(kDockerInspect, json(), "docker");
  EXPECT_EQ(i.image, "riposte.local/busybox:1");
  EXPECT_EQ(i.image_repository, "");
  EXPECT_EQ(i.image_tag, "");
  EXPECT_FALSE(i.image_id.has_value()) << "no answer, not an empty one";
}

TEST(EngineDescription, PodmansContainersHaveNoContainerdNamespace) {
  ContainerInfo i = DescribeEngineContainer(kDockerInspect, kImage, "podman");
  EXPECT_EQ(i.engine, "podman");
  EXPECT_EQ(i.runtime_namespace, "");
}

TEST(EngineDescription, AHostileDocumentOfTheWrongShapesReadsAsAbsentNeverThrows) {
  const json hostile = json::parse(R"({"Id": 7, "Name": ["x"], "Config": {"Labels": {"a": 1, "b": "ok"}, "Image": {}},
    "HostConfig": "privileged", "Mounts": [1, "x", {"Source": 5, "RW": "yes"}], "State": [], "Created": "yesterday",
    "NetworkSettings": null})");
  ContainerInfo i;
  ASSERT_NO_THROW(i = DescribeEngineContainer(hostile, json::parse(R"({"RepoTags": "x", "RepoDigests": [3, "a@b@c"]})"),
                                              "docker"));
  EXPECT_EQ(i.id, "");
  EXPECT_EQ(i.name, "");
  EXPECT_EQ(i.labels.size(), 1u);
  EXPECT_FALSE(i.privileged);
  EXPECT_EQ(i.mounts.size(), 1u);
  EXPECT_EQ(i.created_ns, 0);
  TaskState t;
  ASSERT_NO_THROW(t = EngineTaskState(hostile));
  EXPECT_EQ(t.status, TaskStatus::kUnknown);
}

TEST(EngineDescription, TheEnginesStatesReadAsTaskStates) {
  auto state = [](const char* status, int64_t pid) {
    json j = {{"State", {{"Status", status}, {"Pid", pid}, {"ExitCode", 137}}}};
    return EngineTaskState(j);
  };
  EXPECT_EQ(state("running", 42).status, TaskStatus::kRunning);
  EXPECT_EQ(state("running", 42).pid, 42u);
  EXPECT_EQ(state("paused", 42).status, TaskStatus::kPaused);
  EXPECT_EQ(state("created", 0).status, TaskStatus::kCreated);
  EXPECT_EQ(state("exited", 0).status, TaskStatus::kStopped);
  EXPECT_EQ(state("exited", 0).exit_status, 137u);
  EXPECT_EQ(state("dead", 0).status, TaskStatus::kStopped);
  EXPECT_EQ(state("running", -5).pid, 0u) << "a negative pid is no pid";
  EXPECT_EQ(state("running", 1LL << 40).pid, 0u);
}

TEST(EngineDescription, Rfc3339TimesParseWithAnyFractionAndOffset) {
  EXPECT_EQ(ParseRfc3339Nanos("2026-12-02T01:37:45.709448031Z"), 1796175465709448031);
  EXPECT_EQ(ParseRfc3339Nanos("2026-12-02T01:37:45Z"), 1796175465000000000);
  EXPECT_EQ(ParseRfc3339Nanos("2026-12-02T01:37:45.5Z"), 1796175465500000000);
  EXPECT_EQ(ParseRfc3339Nanos("2026-12-02T02:37:45.5+01:00"), 1796175465500000000);
  EXPECT_EQ(ParseRfc3339Nanos("0001-01-01T00:00:00Z"), 0) << "Go's zero time";
  EXPECT_EQ(ParseRfc3339Nanos("2026-12-02 01:37:45"), 0);
  EXPECT_EQ(ParseRfc3339Nanos(""), 0);
}

TEST(EngineDescription, OnlyIdsAndNamesGoIntoARequestPath) {
  EXPECT_TRUE(IsSafeContainerRef("cefbcb7f7406"));
  EXPECT_TRUE(IsSafeContainerRef("rpe-victim_1.web"));
  EXPECT_FALSE(IsSafeContainerRef(""));
  EXPECT_FALSE(IsSafeContainerRef(".."));
  EXPECT_FALSE(IsSafeContainerRef("../../containers/x"));
  EXPECT_FALSE(IsSafeContainerRef("abc/stop"));
  EXPECT_FALSE(IsSafeContainerRef("abc?signal=9"));
  EXPECT_FALSE(IsSafeContainerRef("abc%2Fstop"));
  EXPECT_FALSE(IsSafeContainerRef("abc def"));
  EXPECT_FALSE(IsSafeContainerRef(std::string(300, 'a')));
}

}  // namespace
}  // namespace riposte
