// The systemd deployment, as far as a machine without a running systemd can check it:
// install.sh lays out binary, configuration, rules, policies and unit under a root
// directory (keeping local edits on a second run), systemd's own verifier accepts the
// unit, and the installed agent accepts the installed configuration, rules and policies.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "integration/agent_process.h"
#include "integration/capture_harness.h"

namespace riposte::testing {
namespace {

namespace fs = std::filesystem;

TEST(SystemdDeploy, InstallLaysOutAVerifiedUnitAndAConfigurationTheAgentAccepts) {
  const std::string root = "/tmp/riposte-deploy-" + std::to_string(getpid());
  fs::remove_all(root);
  const std::string src = RIPOSTE_SOURCE_DIR;
  const std::string install = "ROOT=" + root + " RIPOSTE_BINARY=" + RiposteBinary() + " " + src +
                              "/deploy/systemd/install.sh 2>&1";
  int rc = 0;
  std::string out = ShellStatus(install, &rc);
  ASSERT_EQ(rc, 0) << out;
  for (const char* f : {"/usr/local/bin/riposte", "/etc/riposte/riposte.yaml", "/etc/systemd/system/riposte.service",
                        "/etc/riposte/rules/riposte_rules.yaml", "/etc/riposte/policies/default.yaml"})
    EXPECT_TRUE(fs::exists(root + f)) << f;

  // A local edit survives a reinstall (an upgrade).
  std::ofstream(root + "/etc/riposte/policies/default.yaml", std::ios::app) << "# local edit\n";
  out = ShellStatus(install, &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(ReadFileText(root + "/etc/riposte/policies/default.yaml").find("# local edit"), std::string::npos);

  // systemd's verifier, on the unit with its paths pointed into the root.
  std::string unit = ReadFileText(root + "/etc/systemd/system/riposte.service");
  unit = std::regex_replace(unit, std::regex("/usr/local/bin/riposte"), root + "/usr/local/bin/riposte");
  std::ofstream(root + "/riposte.service") << unit;
  out = ShellStatus("systemd-analyze verify --recursive-errors=no --man=no " + root + "/riposte.service 2>&1", &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out.find("Unknown"), std::string::npos) << out;
  // ...which does refuse a unit with a mistake in it.
  std::ofstream(root + "/broken.service") << unit << "Restartt=always\n";
  ShellStatus("systemd-analyze verify --recursive-errors=no --man=no " + root + "/broken.service 2>&1", &rc);
  EXPECT_NE(rc, 0);

  // The installed configuration names the installed rule and policy directories; the
  // agent accepts all three.
  std::string config = ReadFileText(root + "/etc/riposte/riposte.yaml");
  config = std::regex_replace(config, std::regex("/etc/riposte"), root + "/etc/riposte");
  std::ofstream(root + "/riposte.yaml") << config;
  const std::string bin = root + "/usr/local/bin/riposte --config " + root + "/riposte.yaml ";
  out = ShellStatus(bin + "rules validate " + root + "/etc/riposte/rules 2>&1", &rc);
  EXPECT_EQ(rc, 0) << out;
  out = ShellStatus(bin + "policy validate " + root + "/etc/riposte/policies 2>&1", &rc);
  EXPECT_EQ(rc, 0) << out;
  fs::remove_all(root);
}

}  // namespace
}  // namespace riposte::testing
