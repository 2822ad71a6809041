#include "state/container_id.h"

#include <gtest/gtest.h>

namespace riposte {
namespace {

const std::string kId(64, 'a');
const std::string kId2 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::vector<std::string> kNamespaces = {"default", "k8s.io", "moby"};

std::optional<ContainerRef> Parse(const std::string& path) { return ContainerFromCgroup(path, kNamespaces); }

TEST(ContainerId, DockerWithCgroupfs) {
  auto r = Parse("/docker/" + kId2);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, kId2);
  EXPECT_EQ(r->runtime, "docker");
}

TEST(ContainerId, DockerWithSystemd) {
  auto r = Parse("/system.slice/docker-" + kId2 + ".scope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, kId2);
  EXPECT_EQ(r->runtime, "docker");
}

TEST(ContainerId, CriContainerdWithSystemd) {
  auto r = Parse("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1234_5678.slice/cri-containerd-" + kId2 + ".scope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, kId2);
  EXPECT_EQ(r->runtime, "containerd");
}

TEST(ContainerId, KubepodsWithCgroupfs) {
  auto r = Parse("/kubepods/besteffort/pod0f1e2d3c-aaaa-bbbb-cccc-123456789012/" + kId2);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, kId2);
  EXPECT_EQ(r->runtime, "cri");
  auto burstable = Parse("/kubepods/burstable/podabc/" + kId);
  ASSERT_TRUE(burstable);
  EXPECT_EQ(burstable->id, kId);
}

TEST(ContainerId, CriOWithSystemdAndItsMonitorOnTheHost) {
  auto r = Parse("/kubepods.slice/kubepods-pod1.slice/crio-" + kId2 + ".scope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->runtime, "cri-o");
  EXPECT_FALSE(Parse("/kubepods.slice/kubepods-pod1.slice/crio-conmon-" + kId2 + ".scope"));
}

TEST(ContainerId, Podman) {
  auto r = Parse("/machine.slice/libpod-" + kId2 + ".scope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->runtime, "podman");
}

TEST(ContainerId, PlainContainerdUsesConfiguredNamespaces) {
  auto r = Parse("/default/my-web-1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, "my-web-1");
  EXPECT_EQ(r->runtime, "containerd");
  auto k8s = Parse("/k8s.io/" + kId2);
  ASSERT_TRUE(k8s);
  EXPECT_EQ(k8s->id, kId2);
  EXPECT_FALSE(Parse("/user.slice/session-3"));  // not a configured namespace
}

TEST(ContainerId, SubCgroupOfAContainerStillBelongsToIt) {
  auto r = Parse("/system.slice/docker-" + kId2 + ".scope/init.scope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, kId2);
  auto plain = Parse("/default/web/inner");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->id, "web");
}

TEST(ContainerId, HostPathsAreNotContainers) {
  EXPECT_FALSE(Parse("/"));
  EXPECT_FALSE(Parse(""));
  EXPECT_FALSE(Parse("/system.slice/ssh.service"));
  EXPECT_FALSE(Parse("/user.slice/user-0.slice/session-1.scope"));
  EXPECT_FALSE(Parse("/docker/not-hex"));
  EXPECT_FALSE(Parse("/" + kId2));  // 64 hex alone, below nothing we know
}

}  // namespace
}  // namespace riposte
