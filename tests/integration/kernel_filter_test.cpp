// The kernel record filter live: the same workload under `riposte run` with Falco's three
// upstream rule files and riposte's defaults, with the filter on and off, raises the same
// alerts, while the filter leaves out the bulk of the records; and a reload swaps the
// filter with the rules (an open the old rules could not match, the new ones can).
#include <fcntl.h>
#include <sched.h>
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

size_t Occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

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
WorkloadRun RunWorkload(bool filter, const std::string& dir, bool hash_stash = false) {
  WorkloadRun out;
  const std::string r = FalcoRulesDir();
  std::vector<std::string> args = {"run", "--rules", r + "/falco_rules.yaml", "--rules", r + "/falco-incubating_rules.yaml",
                                   "--rules", r + "/falco-sandbox_rules.yaml", "--rules",
                                   std::string(RIPOSTE_SOURCE_DIR) + "/rules", "--alerts-file", dir + "/alerts.json"};
  if (!filter) args.push_back("--no-kernel-filter");
  if (hash_stash) args.push_back("--hash-stash");
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

// Kernels without task storage keep the stash, the kept-back fds and the process names in
// hash maps (the name clauses then are looked up on every open): the same alerts there too.
TEST(KernelFilter, WithoutTaskStorageTheFilterRaisesTheSameAlerts) {
  const std::string dir = "/tmp/riposte-kf-test-hash-logs";
  std::filesystem::create_directories(dir);
  WorkloadRun on = RunWorkload(true, dir, true);
  WorkloadRun off = RunWorkload(false, dir, true);
  EXPECT_EQ(on.alerts, off.alerts);
  EXPECT_GE(on.alerts.size(), 4u);
  EXPECT_NE(ReadFileText(dir + "/on.log").find("hash maps, as asked"), std::string::npos) << ReadFileText(dir + "/on.log");
  EXPECT_GT(on.left_out, 600u) << ReadFileText(dir + "/on.log");
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
  EXPECT_EQ(Occurrences(alerts, "\"rule\":\"shadow read\""), 2u) << alerts;
  EXPECT_EQ(Occurrences(alerts, "\"rule\":\"target read\""), 1u) << alerts;  // only after the reload
}

// The kernel remembers, per CPU, what the filter's path table said of each path opened
// (bpf/capture.bpf.c, path_verdicts). A path the old rules could not match, opened again on
// the same CPU after a reload to rules that do match it, must be judged by the new table:
// the old verdict may not count. This process opens the path itself, pinned to one CPU,
// and opens nothing else the old filter judges by path in between.
TEST(KernelFilter, AReloadForgetsWhatTheOldFilterSaidOfAPath) {
  const std::string dir = "/tmp/riposte-kf-verdicts";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/rules");
  const std::string target = dir + "/target-file";
  std::ofstream(target).put('x');
  auto write_rules = [&](bool with_target) {
    std::ofstream f(dir + "/rules/r.yaml", std::ios::trunc);
    // Judged by path for every process: this process' opens reach the path table.
    f << "- rule: shadow read\n  desc: d\n  condition: evt.type=openat and evt.is_open_read=true and "
         "fd.name=/etc/shadow\n  output: shadow %fd.name\n  priority: WARNING\n";
    if (with_target)
      f << "- rule: target read\n  desc: d\n  condition: evt.type=openat and evt.is_open_read=true and "
           "fd.name=" << target << "\n  output: target %fd.name\n  priority: WARNING\n";
  };
  write_rules(false);
  cpu_set_t old_cpus, one;
  ASSERT_EQ(sched_getaffinity(0, sizeof(old_cpus), &old_cpus), 0);
  CPU_ZERO(&one);
  CPU_SET(0, &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
  auto open_target = [&] {
    for (int i = 0; i < 3; ++i) {
      int fd = open(target.c_str(), O_RDONLY);
      ASSERT_GE(fd, 3);
      close(fd);
    }
  };
  {
    AgentProcess agent({"run", "--rules", dir + "/rules", "--alerts-file", dir + "/alerts.json"}, dir + "/agent.log");
    ASSERT_TRUE(agent.ready()) << agent.Log();
    ASSERT_TRUE(agent.WaitForLog("on for", 1000)) << agent.Log();
    open_target();  // left out, and remembered on CPU 0 as matching no listed path
    write_rules(true);
    agent.Signal(SIGHUP);
    ASSERT_TRUE(agent.WaitForLog("reload done", 15000)) << agent.Log();
    open_target();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    agent.Stop();
  }
  sched_setaffinity(0, sizeof(old_cpus), &old_cpus);
  const std::string alerts = ReadFileText(dir + "/alerts.json");
  // The three opens after the reload, none before.
  EXPECT_EQ(Occurrences(alerts, "\"rule\":\"target read\""), 3u) << alerts;
}

// The kernel keeps, per thread, which clauses the process' name allows. A thread that opened
// a file under one name and then execs a program with another must be judged by the new
// name: a shell (its name matches no rule) reads the file, then execs, in the same thread,
// a copy of cat named sshd, which a rule names.
TEST(KernelFilter, AnExecInTheSameThreadIsJudgedByItsNewName) {
  const std::string dir = "/tmp/riposte-kf-names";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/rules");
  std::filesystem::copy_file("/bin/cat", dir + "/sshd");
  std::ofstream(dir + "/target").put('x');
  std::ofstream(dir + "/rules/r.yaml")
      << "- rule: sshd reads the target\n  desc: d\n  condition: evt.type=openat and fd.name=" << dir
      << "/target and proc.name=sshd\n  output: sshd %fd.name %proc.name\n  priority: WARNING\n";
  AgentProcess agent({"run", "--rules", dir + "/rules", "--alerts-file", dir + "/alerts.json"}, dir + "/agent.log");
  ASSERT_TRUE(agent.ready()) << agent.Log();
  ASSERT_TRUE(agent.WaitForLog("on for", 1000)) << agent.Log();
  const std::string script = "for i in 1 2 3; do read x < " + dir + "/target; done; exec " + dir + "/sshd " + dir +
                             "/target > /dev/null";
  ASSERT_EQ(std::system(("sh -c '" + script + "'").c_str()), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  agent.Stop();
  const std::string alerts = ReadFileText(dir + "/alerts.json");
  EXPECT_EQ(Occurrences(alerts, "sshd reads the target"), 1u) << alerts;  // sshd's open; none of the shell's
}

}  // namespace
}  // namespace riposte::testing
