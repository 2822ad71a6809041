// The kernel record filter live: the same workload under `riposte run` with Falco's three
// upstream rule files and riposte's defaults, with the filter on and off, raises the same
// alerts, while the filter leaves out the bulk of the records; and a reload swaps the
// filter with the rules (an open the old rules could not match, the new ones can).
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "integration/agent_process.h"

namespace riposte::testing {
namespace {

const std::string kWork = "/tmp/riposte-kf-work";

std::string FalcoRulesDir() {
  const char* env = std::getenv("RIPOSTE_FALCO_RULES_DIR");
  return env ? env : std::string(RIPOSTE_SOURCE_DIR) + "/../shared/falco-rules";
}

// Behaviours Falco's rules answer, and the plain traffic they do not: reads of a sensitive
// file by absolute, relative and traversing paths, a write below /etc, a shell
// configuration written, a program named sshd reading a backdoored liblzma, a setuid bit
// set through fchmod on an fd whose open no rule matches, and a few hundred plain reads.
const char* kWorkload = R"SH(
set -u
w=/tmp/riposte-kf-work
rm -rf $w; mkdir -p $w/home
for i in $(seq 300); do cat /etc/hostname > /dev/null; done
cat /etc/shadow > /dev/null
(cd /etc && cat ./shadow > /dev/null && cat ../etc/shadow > /dev/null)
(cd $w && cat ../../etc/shadow > /dev/null)
echo x > /etc/riposte-kf-test; rm -f /etc/riposte-kf-test
python3 -c "open('$w/home/.bashrc', 'w').write('alias x=y')"
cp /bin/cat $w/sshd; echo x > $w/liblzma.so.5.6.0; $w/sshd $w/liblzma.so.5.6.0 > /dev/null
python3 -c "import os; fd=os.open('$w/f', os.O_WRONLY|os.O_CREAT, 0o755); os.fchmod(fd, 0o4755); os.close(fd)"
cat /etc/hostname /etc/os-release > /dev/null
sleep 1
)SH";

struct WorkloadRun {
  std::map<std::string, int> alerts;  // "rule | proc.name | fd.name" -> count
  std::vector<std::string> outputs;
  uint64_t left_out = 0, events = 0;
};

// The alerts the workload caused (those naming its files), and what the agent said at the stop.
WorkloadRun RunWorkload(bool filter, const std::string& dir) {
  WorkloadRun out;
  const std::string r = FalcoRulesDir();
  std::vector<std::string> args = {"run", "--rules", r + "/falco_rules.yaml", "--rules", r + "/falco-incubating_rules.yaml",
                                   "--rules", r + "/falco-sandbox_rules.yaml", "--rules",
                                   std::string(RIPOSTE_SOURCE_DIR) + "/rules", "--alerts-file", dir + "/alerts.json"};
  if (!filter) args.push_back("--no-kernel-filter");
  std::filesystem::remove(dir + "/alerts.json");
  AgentProcess agent(args, dir + (filter ? "/on.log" : "/off.log"));
  EXPECT_TRUE(agent.ready()) << agent.Log();
  if (!agent.ready()) return out;
  EXPECT_EQ(std::system(("bash -c '" + std::regex_replace(std::string(kWorkload), std::regex("'"), "'\\''") + "'").c_str()), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  agent.Stop();
  std::smatch m;
  std::string log = agent.Log();
  if (std::regex_search(log, m, std::regex(R"(stopped: (\d+) events, \d+ alerts, \d+ records dropped by the kernel, (\d+) left out)"))) {
    out.events = std::stoull(m[1]);
    out.left_out = std::stoull(m[2]);
  }
  std::ifstream in(dir + "/alerts.json");
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) continue;
    auto fields = j.value("output_fields", nlohmann::json::object());
    std::string fd = fields.contains("fd.name") && fields["fd.name"].is_string() ? fields["fd.name"].get<std::string>() : "";
    std::string name = fields.contains("proc.name") && fields["proc.name"].is_string() ? fields["proc.name"].get<std::string>() : "";
    const std::string output = j.value("output", "");
    if (output.find("/etc/shadow") == std::string::npos && output.find(kWork) == std::string::npos &&
        output.find("riposte-kf-test") == std::string::npos)
      continue;  // not the workload's
    out.alerts[j.value("rule", "") + " | " + name + " | " + fd]++;
    out.outputs.push_back(output);
  }
  return out;
}

TEST(KernelFilter, FalcosRulesRaiseTheSameAlertsWithTheFilterOnAndOff) {
  const std::string dir = "/tmp/riposte-kf-test-logs";
  std::filesystem::create_directories(dir);
  WorkloadRun on = RunWorkload(true, dir);
  WorkloadRun off = RunWorkload(false, dir);
  EXPECT_EQ(on.alerts, off.alerts);
  for (const char* expected : {"Read sensitive file untrusted", "Backdoored library loaded into SSHD",
                               "Set Setuid or Setgid bit", "Modify Shell Configuration File"}) {
    bool seen = false;
    for (const auto& [key, n] : on.alerts) seen = seen || key.find(expected) != std::string::npos;
    EXPECT_TRUE(seen) << expected << " did not fire with the filter on";
  }
  // The setuid alert prints the fd of an open the filter left out: described from /proc.
  bool fchmod_named = false;
  for (const auto& o : on.outputs)
    fchmod_named = fchmod_named || (o.find("Setuid or setgid bit") != std::string::npos &&
                                    o.find("fd=<f>" + kWork + "/f ") != std::string::npos);
  EXPECT_TRUE(fchmod_named) << "the fchmod alert does not name the file";
  // The 300 plain reads' opens and closes, at least, stayed in the kernel.
  EXPECT_GT(on.left_out, 600u) << ReadFileText(dir + "/on.log");
  EXPECT_EQ(off.left_out, 0u);
  EXPECT_LT(on.events, off.events);
  std::filesystem::remove_all(kWork);
}

std::vector<nlohmann::json> AlertLines(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object()) out.push_back(j);
  }
  return out;
}

// The same recorded capture replayed through Falco's rules with riposte's defaults, as it
// was and as the kernel record filter would have sent it: the same alerts, byte for byte,
// but for the text of rules that print an fd of a left-out open (which `run` reads from
// /proc, and a replay cannot).
TEST(KernelFilter, ARecordedCaptureReplaysToTheSameAlertsWithTheFilter) {
  const std::string dir = "/tmp/riposte-kf-replay";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string cap = dir + "/workload.cap";
  {
    AgentProcess capture({"capture", "--format", "none", "--write", cap}, dir + "/capture.log", "seeded");
    ASSERT_TRUE(capture.ready()) << capture.Log();
    EXPECT_EQ(std::system(("bash -c '" + std::regex_replace(std::string(kWorkload), std::regex("'"), "'\\''") + "'").c_str()), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    capture.Stop();
  }
  const std::string r = FalcoRulesDir();
  const std::string rules = "--rules " + r + "/falco_rules.yaml --rules " + r + "/falco-incubating_rules.yaml --rules " + r +
                            "/falco-sandbox_rules.yaml --rules " + std::string(RIPOSTE_SOURCE_DIR) + "/rules";
  const std::string replay = RiposteBinary() + " replay " + cap + " " + rules;
  ASSERT_EQ(std::system((replay + " --alerts-file " + dir + "/all.json 2> " + dir + "/all.log").c_str()), 0)
      << ReadFileText(dir + "/all.log");
  ASSERT_EQ(std::system((replay + " --kernel-filter --alerts-file " + dir + "/filtered.json 2> " + dir + "/filtered.log").c_str()), 0)
      << ReadFileText(dir + "/filtered.log");
  auto all = AlertLines(dir + "/all.json");
  auto filtered = AlertLines(dir + "/filtered.json");
  ASSERT_GT(all.size(), 5u);
  ASSERT_EQ(all.size(), filtered.size());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i]["rule"], filtered[i]["rule"]);
    EXPECT_EQ(all[i]["time"], filtered[i]["time"]);
    if (all[i]["rule"] != "Set Setuid or Setgid bit" && all[i]["rule"] != "Container namespace change")
      EXPECT_EQ(all[i]["output"], filtered[i]["output"]);
  }
  const std::string log = ReadFileText(dir + "/filtered.log");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(log, m, std::regex(R"("kernel_filter_left_out":(\d+))"))) << log;
  EXPECT_GT(std::stoull(m[1]), 600u);
  std::filesystem::remove_all(kWork);
}

TEST(KernelFilter, AReloadSwapsTheFilterWithTheRules) {
  const std::string dir = "/tmp/riposte-kf-reload";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/rules");
  auto write_rules = [&](bool with_target) {
    std::ofstream f(dir + "/rules/r.yaml", std::ios::trunc);
    f << "- rule: shadow read\n  desc: d\n  condition: evt.type=openat and fd.name=/etc/shadow and proc.name=cat\n"
         "  output: shadow %fd.name\n  priority: WARNING\n";
    if (with_target)
      f << "- rule: target read\n  desc: d\n  condition: evt.type=openat and evt.is_open_read=true and "
           "fd.name startswith /tmp/riposte-kf-reload/target\n  output: target %fd.name\n  priority: WARNING\n";
  };
  write_rules(false);
  std::ofstream(dir + "/target").put('x');
  AgentProcess agent({"run", "--rules", dir + "/rules", "--alerts-file", dir + "/alerts.json"}, dir + "/agent.log");
  ASSERT_TRUE(agent.ready()) << agent.Log();
  auto cat = [&] { EXPECT_EQ(std::system(("cat " + dir + "/target /etc/shadow > /dev/null").c_str()), 0); };
  cat();
  ASSERT_TRUE(agent.WaitForLog("on for", 1000));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  write_rules(true);
  agent.Signal(SIGHUP);
  ASSERT_TRUE(agent.WaitForLog("reload done", 15000)) << agent.Log();
  cat();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  agent.Stop();
  std::string alerts = ReadFileText(dir + "/alerts.json");
  auto count = [&](const std::string& what) {
    size_t n = 0;
    for (size_t at = alerts.find(what); at != std::string::npos; at = alerts.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("\"rule\":\"shadow read\""), 2u) << alerts;
  EXPECT_EQ(count("\"rule\":\"target read\""), 1u) << alerts;  // only after the reload
}

}  // namespace
}  // namespace riposte::testing
