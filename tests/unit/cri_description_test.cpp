// How a CRI runtime's verbose ContainerStatus and its pod become the ContainerInfo rules
// read (the path for CRI-O, and for any runtime reached only through its CRI socket). The
// real path, on containerd's CRI served at a second socket path, is covered by
// tests/integration/cri_socket_test.cpp; these pin the reading rules on documents shaped
// like containerd's and CRI-O's, and hostile ones.
#include <gtest/gtest.h>

#include "containers/cri_description.h"

namespace riposte::testing {
namespace {

CriContainerRecord KubeletContainer(std::string verbose_info) {
  CriContainerRecord r;
  r.id = "c0ffee";
  r.name = "web";
  r.image = "riposte.local/busybox:1";
  r.image_ref = "sha256:1f2e3d";
  r.state = "CONTAINER_RUNNING";
  r.created_ns = 1'700'000'000'000'000'000;
  r.labels = {{"io.kubernetes.container.name", "web"},
              {"io.kubernetes.pod.name", "shop"},
              {"io.kubernetes.pod.namespace", "prod"},
              {"io.kubernetes.pod.uid", "uid-1"},
              {"long", std::string(101, 'x')}};
  r.mounts = {{"/data", "/srv/data", false, "private"}, {"/etc/hosts", "/var/lib/hosts", true, "rslave"}};
  r.verbose_info = std::move(verbose_info);
  return r;
}

// containerd's CRI plugin: the CRI config (snake_case) and the OCI spec.
const char* kContainerdInfo = R"({"sandboxID":"5a4db0","pid":4242,"removing":false,"snapshotter":"overlayfs",
  "config":{"metadata":{"name":"web"},"image":{"image":"sha256:1f2e3d"},
            "linux":{"security_context":{"privileged":true}}},
  "runtimeSpec":{"annotations":{"io.kubernetes.cri.image-name":"riposte.local/busybox:1"}}})";
// CRI-O: privilege at the top level.
const char* kCrioInfo = R"({"sandboxID":"77aa","pid":77,"privileged":true,
  "runtimeSpec":{"annotations":{"io.kubernetes.cri-o.ImageName":"quay.io/team/app:v3"}}})";

TEST(CriDescription, ContainerdShapedStatusWithItsPod) {
  PodRecord pod{"5a4db0", "shop", "prod", "uid-1", {{"app", "shop"}, {"io.kubernetes.x", "y"}}, true, "10.0.0.7"};
  ContainerInfo info = DescribeCriContainer(KubeletContainer(kContainerdInfo), &pod, "containerd");
  EXPECT_EQ(info.engine, "containerd");  // container.type, as Falco's plugin names it
  EXPECT_TRUE(info.cri_described);
  EXPECT_EQ(info.name, "web");
  EXPECT_EQ(info.image, "riposte.local/busybox:1");
  EXPECT_EQ(info.image_repository, "riposte.local/busybox");
  EXPECT_EQ(info.image_tag, "1");
  EXPECT_EQ(info.image_digest, "sha256:1f2e3d");
  EXPECT_EQ(info.image_id, "1f2e3d");
  EXPECT_TRUE(info.privileged);
  EXPECT_EQ(info.sandbox_id, "5a4db0");
  EXPECT_EQ(info.pod_name, "shop");
  EXPECT_EQ(info.k8s_namespace, "prod");
  EXPECT_EQ(info.pod_uid, "uid-1");
  EXPECT_EQ(info.ip, "10.0.0.7");
  EXPECT_EQ(info.pod_labels, (std::map<std::string, std::string>{{"app", "shop"}}));
  EXPECT_EQ(info.labels.count("long"), 0u) << "values over the plugin's label_max_len are left out";
  ASSERT_EQ(info.mounts.size(), 2u);
  EXPECT_EQ(info.mounts[0].source, "/srv/data");
  EXPECT_EQ(info.mounts[0].dest, "/data");
  EXPECT_TRUE(info.mounts[0].read_write);
  EXPECT_FALSE(info.mounts[1].read_write);
  EXPECT_EQ(info.mounts[1].propagation, "rslave");
  EXPECT_NE(info.mounts_text.find("/srv/data:/data:"), std::string::npos) << info.mounts_text;
  EXPECT_EQ(info.created_ns, 1'700'000'000'000'000'000);
  EXPECT_EQ(CriTaskState(KubeletContainer(kContainerdInfo)).pid, 4242u);
  EXPECT_EQ(CriTaskState(KubeletContainer(kContainerdInfo)).status, TaskStatus::kRunning);
}

TEST(CriDescription, CrioShapedStatusWithoutItsPod) {
  CriContainerRecord r = KubeletContainer(kCrioInfo);
  r.image = "";  // only an id: the name comes from CRI-O's annotation
  r.image_ref = "sha256:abcd";
  ContainerInfo info = DescribeCriContainer(r, nullptr, "cri-o");
  EXPECT_EQ(info.engine, "cri-o");
  EXPECT_EQ(info.image, "quay.io/team/app:v3");
  EXPECT_EQ(info.image_repository, "quay.io/team/app");
  EXPECT_EQ(info.image_tag, "v3");
  EXPECT_EQ(info.image_digest, "sha256:abcd");
  EXPECT_TRUE(info.privileged);
  EXPECT_EQ(info.sandbox_id, "77aa");
  // Without the pod's answer, the kubelet's labels still name it.
  EXPECT_EQ(info.pod_name, "shop");
  EXPECT_EQ(info.k8s_namespace, "prod");
  EXPECT_FALSE(info.ip.has_value());
}

TEST(CriDescription, AResolvedDigestReferenceKeepsTheAskedForTag) {
  CriContainerRecord r = KubeletContainer("{}");
  r.image = "registry.local/app:2.1";
  r.image_ref = "registry.local/app@sha256:99";
  ContainerInfo info = DescribeCriContainer(r, nullptr, "containerd");
  EXPECT_EQ(info.image, "registry.local/app:2.1");
  EXPECT_EQ(info.image_repository, "registry.local/app");
  EXPECT_EQ(info.image_tag, "2.1");
  EXPECT_EQ(info.image_digest, "sha256:99");
  EXPECT_FALSE(info.privileged);
  EXPECT_FALSE(info.image_id.has_value());
}

TEST(CriDescription, HostileVerboseDocumentsReadAsNotSaid) {
  for (const char* doc : {"", "not json", "[1,2]", "null", R"({"pid":"12","sandboxID":7,"privileged":"yes"})",
                          R"({"pid":-5,"config":{"linux":[]},"runtimeSpec":{"annotations":[1]}})",
                          R"({"pid":99999999999,"config":{"image":{"image":42}}})"}) {
    CriVerboseInfo v = ParseCriVerboseInfo(doc);
    EXPECT_EQ(v.pid, 0u) << doc;
    EXPECT_EQ(v.sandbox_id, "") << doc;
    EXPECT_FALSE(v.privileged) << doc;
    EXPECT_EQ(v.image_id, "") << doc;
    EXPECT_TRUE(v.annotations.empty()) << doc;
    ContainerInfo info = DescribeCriContainer(KubeletContainer(doc), nullptr, "something-else");
    EXPECT_EQ(info.engine, "cri") << "an unknown runtime's containers are type cri, as in Falco's plugin";
  }
}

TEST(CriDescription, SandboxAndStates) {
  PodRecord pod{"5a4db0", "shop", "prod", "uid-1", {{"app", "shop"}}, true, ""};
  ContainerInfo s = DescribeCriSandbox(pod, "cri-o");
  EXPECT_EQ(s.name, "POD");
  EXPECT_TRUE(s.is_sandbox);
  EXPECT_EQ(s.pod_name, "shop");
  EXPECT_EQ(s.engine, "cri-o");
  CriContainerRecord r = KubeletContainer("{}");
  r.state = "CONTAINER_EXITED";
  EXPECT_EQ(CriTaskState(r).status, TaskStatus::kStopped);
  r.state = "CONTAINER_CREATED";
  EXPECT_EQ(CriTaskState(r).status, TaskStatus::kCreated);
  r.state = "CONTAINER_UNKNOWN";
  EXPECT_EQ(CriTaskState(r).status, TaskStatus::kUnknown);
}

}  // namespace
}  // namespace riposte::testing
