// The agent's image, built here without a Docker engine (deploy/image/build-image.sh,
// umoci): its configuration matches the Dockerfile's (entrypoint, command, port,
// labels), it imports into the test containerd, and the agent runs from it — the
// binary finds every library in the minimal root filesystem and accepts the image's
// own rules, policies and configuration.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "integration/agent_image.h"
#include "integration/agent_process.h"
#include "integration/capture_harness.h"
#include "integration/test_pod.h"

namespace riposte::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The image config blob of an OCI layout directory (one manifest).
json ImageConfig(const std::string& layout) {
  auto index = json::parse(ReadFileText(layout + "/index.json"));
  auto blob = [&](const std::string& digest) {
    return json::parse(ReadFileText(layout + "/blobs/sha256/" + digest.substr(7)));
  };
  auto manifest = blob(index["manifests"][0]["digest"]);
  return blob(manifest["config"]["digest"]);
}

// A JSON-array instruction of the Dockerfile (ENTRYPOINT, CMD).
json DockerfileArray(const std::string& dockerfile, const std::string& instruction) {
  std::smatch m;
  if (!std::regex_search(dockerfile, m, std::regex("\n" + instruction + " (\\[.*\\])"))) return nullptr;
  return json::parse(m[1].str());
}

TEST(AgentImage, BuiltWithUmociItMatchesTheDockerfileAndRunsInContainerd) {
  const std::string dir = "/tmp/riposte-image-" + std::to_string(getpid());
  fs::remove_all(dir);
  auto built = BuildAgentImage(dir, "test");
  ASSERT_TRUE(built.ok()) << built.error().message;
  const std::string tarball = *built;
  fs::create_directories(dir + "/layout");
  Shell("tar -C " + dir + "/layout -xf " + tarball);

  // The same image a Docker build of deploy/image/Dockerfile describes.
  const json config = ImageConfig(dir + "/layout")["config"];
  const std::string dockerfile = ReadFileText(SourceDir() + "/deploy/image/Dockerfile");
  EXPECT_EQ(config["Entrypoint"], DockerfileArray(dockerfile, "ENTRYPOINT"));
  EXPECT_EQ(config["Cmd"], DockerfileArray(dockerfile, "CMD"));
  EXPECT_TRUE(config["ExposedPorts"].contains("9376/tcp"));
  EXPECT_NE(dockerfile.find("EXPOSE 9376/tcp"), std::string::npos);
  EXPECT_NE(dockerfile.find("make-rootfs.sh"), std::string::npos) << "both must assemble the same root filesystem";
  for (const char* label : {"org.opencontainers.image.title", "org.opencontainers.image.description"}) {
    ASSERT_TRUE(config["Labels"].contains(label)) << label;
    EXPECT_NE(dockerfile.find(std::string(label) + "=\"" + config["Labels"][label].get<std::string>() + "\""),
              std::string::npos)
        << label;
  }

  // Imported into containerd and run: the binary, its libraries, its rules and policies.
  const std::string socket = TestContainerdSocket();
  Status imported = ImportImage(socket, "riposte-image-test", "riposte.local/riposte", tarball);
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  const std::string ctr = "ctr --address " + socket + " -n riposte-image-test ";
  int rc = 0;
  std::string out;
  const std::string image = "riposte.local/riposte:test";
  auto run = [&](const std::string& name, const std::string& args) {
    return ShellStatus(ctr + "run --rm " + image + " " + name + "-" + std::to_string(getpid()) + " " + args + " 2>&1",
                       &rc);
  };
  out = run("version", "/usr/bin/riposte --version");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("riposte "), std::string::npos) << out;
  out = run("rules", "/usr/bin/riposte --config /etc/riposte/riposte.yaml rules validate /etc/riposte/rules");
  EXPECT_EQ(rc, 0) << out;
  out = run("policies", "/usr/bin/riposte policy validate /etc/riposte/policies");
  EXPECT_EQ(rc, 0) << out;
  Shell(ctr + "images rm " + image + " >/dev/null 2>&1; true");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace riposte::testing
