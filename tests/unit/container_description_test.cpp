// How a containerd record and a CRI pod become the ContainerInfo rules read. The real
// runtime path is covered by tests/integration/container_response_test.cpp; these pin
// the parsing rules on records shaped like the ones containerd's CRI plugin writes.
#include <gtest/gtest.h>

#include "containers/container_description.h"

namespace riposte::testing {
namespace {

TEST(ImageReference, TagDigestAndRegistryPort) {
  auto r = ParseImageReference("docker.io/library/busybox:1.36");
  EXPECT_EQ(r.repository, "docker.io/library/busybox");
  EXPECT_EQ(r.tag, "1.36");
  r = ParseImageReference("localhost:5000/app@sha256:0123abcd");
  EXPECT_EQ(r.repository, "localhost:5000/app");
  EXPECT_EQ(r.tag, "");
  r = ParseImageReference("localhost:5000/app");
  EXPECT_EQ(r.repository, "localhost:5000/app");
  EXPECT_EQ(r.tag, "");
  r = ParseImageReference("registry:5000/team/app:v2@sha256:ff");
  EXPECT_EQ(r.repository, "registry:5000/team/app");
  EXPECT_EQ(r.tag, "v2");
  r = ParseImageReference("nginx");
  EXPECT_EQ(r.repository, "nginx");
  EXPECT_EQ(r.tag, "");
}

ContainerRecord CriContainer() {
  ContainerRecord rec;
  rec.runtime_namespace = "k8s.io";
  rec.id = "c0ffee";
  rec.image = "riposte.local/busybox:1";
  rec.labels = {{"io.cri-containerd.kind", "container"},
                {"io.kubernetes.container.name", "web"},
                {"io.kubernetes.pod.name", "shop"},
                {"io.kubernetes.pod.namespace", "prod"},
                {"io.kubernetes.pod.uid", "uid-1"}};
  rec.spec = nlohmann::json::parse(R"({
    "annotations": {"io.kubernetes.cri.sandbox-id": "5a4db0x"},
    "process": {"capabilities": {"bounding": ["CAP_CHOWN"], "effective": ["CAP_CHOWN"]}},
    "linux": {"maskedPaths": ["/proc/kcore"]},
    "mounts": [
      {"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid"]},
      {"destination": "/data", "type": "bind", "source": "/srv/data", "options": ["rbind", "rprivate", "rw"]},
      {"destination": "/etc/hosts", "source": "/var/lib/hosts", "options": ["rbind", "ro"]}
    ]})");
  rec.created_ns = 42;
  return rec;
}

TEST(DescribeContainer, KubeletContainerWithItsPod) {
  PodRecord pod{"5a4db0x", "shop", "prod", "uid-1", {{"app", "shop"}, {"tier", "web"}, {"io.kubernetes.x", "y"}}, true};
  ContainerInfo info = DescribeContainer(CriContainer(), &pod);
  EXPECT_EQ(info.name, "web");
  EXPECT_EQ(info.image_repository, "riposte.local/busybox");
  EXPECT_EQ(info.image_tag, "1");
  EXPECT_FALSE(info.privileged);
  EXPECT_FALSE(info.is_sandbox);
  EXPECT_EQ(info.sandbox_id, "5a4db0x");
  EXPECT_EQ(info.k8s_namespace, "prod");
  EXPECT_EQ(info.pod_name, "shop");
  EXPECT_EQ(info.pod_uid, "uid-1");
  EXPECT_EQ(info.pod_labels.size(), 2u) << "io.kubernetes.* labels are the kubelet's, not the pod's";
  EXPECT_EQ(info.pod_labels_text, "app:shop, tier:web");
  ASSERT_EQ(info.mounts.size(), 2u) << "only bind mounts count";
  EXPECT_EQ(info.mounts[0].dest, "/data");
  EXPECT_TRUE(info.mounts[0].read_write);
  EXPECT_EQ(info.mounts[0].propagation, "rprivate");
  EXPECT_FALSE(info.mounts[1].read_write);
  EXPECT_EQ(info.mounts_text, "/srv/data:/data:rbind,rprivate,rw:true:rprivate,/var/lib/hosts:/etc/hosts:rbind,ro:false:");
  EXPECT_EQ(info.created_ns, 42);
}

TEST(DescribeContainer, WithoutCriThePodComesFromTheKubeletLabels) {
  ContainerInfo info = DescribeContainer(CriContainer(), nullptr);
  EXPECT_EQ(info.pod_name, "shop");
  EXPECT_EQ(info.k8s_namespace, "prod");
  EXPECT_TRUE(info.pod_labels.empty());
}

TEST(DescribeContainer, TheCriAnnotationNamesAContainerWithoutKubeletLabels) {
  ContainerRecord rec = CriContainer();
  rec.labels.erase("io.kubernetes.container.name");
  EXPECT_EQ(DescribeContainer(rec, nullptr).name, "c0ffee");
  rec.spec["annotations"]["io.kubernetes.cri.container-name"] = "api";
  EXPECT_EQ(DescribeContainer(rec, nullptr).name, "api");
}

TEST(DescribeContainer, SandboxPlainAndPrivileged) {
  ContainerRecord sandbox;
  sandbox.id = "5a4db0x";
  sandbox.labels = {{"io.cri-containerd.kind", "sandbox"}};
  ContainerInfo s = DescribeContainer(sandbox, nullptr);
  EXPECT_TRUE(s.is_sandbox);
  EXPECT_EQ(s.name, "POD");
  EXPECT_EQ(s.sandbox_id, "5a4db0x");

  ContainerRecord plain;
  plain.id = "plain-1";
  plain.image = "docker.io/library/alpine:3";
  plain.spec = nlohmann::json::parse(R"({"process": {"capabilities": {
      "bounding": ["CAP_SYS_ADMIN", "CAP_CHOWN"], "effective": ["CAP_SYS_ADMIN"]}}})");
  ContainerInfo p = DescribeContainer(plain, nullptr);
  EXPECT_EQ(p.name, "plain-1") << "outside Kubernetes the name is the id";
  EXPECT_TRUE(p.privileged);
  EXPECT_EQ(p.sandbox_id, "");
  EXPECT_EQ(p.pod_name, "");

  // SYS_ADMIN granted but /proc/kcore still masked: a capability grant, not privileged mode.
  plain.spec["linux"]["maskedPaths"] = nlohmann::json::array({"/proc/kcore"});
  EXPECT_FALSE(DescribeContainer(plain, nullptr).privileged);
  // A record without a spec (not readable yet) is never privileged.
  plain.spec = nullptr;
  EXPECT_FALSE(DescribeContainer(plain, nullptr).privileged);
}

TEST(ContainerEntry, PublishReplacesTheInfoAndKeepsOldViewsAlive) {
  ContainerEntry entry("abc");
  EXPECT_EQ(entry.info(), nullptr);
  ContainerInfo first;
  first.name = "one";
  entry.Publish(first);
  const ContainerInfo* seen = entry.info();
  ASSERT_NE(seen, nullptr);
  ContainerInfo second;
  second.name = "two";
  entry.Publish(second);
  EXPECT_EQ(entry.info()->name, "two");
  EXPECT_EQ(seen->name, "one") << "a reader's view stays valid after a newer version is published";
}

}  // namespace
}  // namespace riposte::testing
