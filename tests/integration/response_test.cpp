// The response spine on real processes and the real kernel: `riposte run` with a rule and
// a kill policy kills the offender (userspace pidfd path and in-kernel path), dry-run
// only records, a reused pid is never hit, reloads keep the last good set, the agent
// killed -9 mid-action loses no reported action, and `riposte respond` answers Falco.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "audit/audit_verifier.h"
#include "integration/agent_process.h"
#include "integration/capture_harness.h"
#include "responders/process_kill.h"
#include "state/proc_scanner.h"

namespace riposte::testing {
namespace {

using nlohmann::json;

class ResponseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = "/tmp/riposte-resp-" + std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    trigger_ = dir_ + "/trigger-file";
    std::ofstream(trigger_) << "x";
    rules_ = dir_ + "/rules.yaml";
    std::ofstream(rules_) << R"(
- rule: Test trigger opened
  desc: the response tests' trigger
  condition: evt.type in (open, openat) and fd.name contains "/trigger-"
  output: trigger opened (file=%fd.name process=%proc.name pid=%proc.pid)
  priority: CRITICAL
  tags: [test]
)";
    audit_ = dir_ + "/audit.log";
    policies_ = dir_ + "/policies.yaml";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void WritePolicy(const std::string& text) {
    std::ofstream(policies_ + ".tmp") << text;
    std::filesystem::rename(policies_ + ".tmp", policies_);
  }
  std::string KillPolicy(const std::string& extra_step_keys = "", const std::string& mode = "enforce") {
    return "- policy: kill-trigger\n  mode: " + mode + "\n  match: {rules: [Test trigger opened]}\n  actions:\n"
           "    - action: process.kill\n" + extra_step_keys;
  }
  std::string InKernelStep() {
    return "      in_kernel:\n        syscalls: [openat, open]\n        process_names: [riposte_test_workload]\n"
           "        path_prefix: " + dir_ + "/trigger-\n";
  }
  std::unique_ptr<AgentProcess> StartAgent(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"run", "--rules", rules_, "--policies", policies_, "--audit-log", audit_,
                                  "--duration", "120"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto agent = std::make_unique<AgentProcess>(args, dir_ + "/agent.log");
    EXPECT_TRUE(agent->ready()) << agent->Log();
    return agent;
  }
  std::vector<json> Audit() {
    std::ifstream in(audit_);
    std::vector<json> out;
    for (std::string l; std::getline(in, l);) {
      auto j = json::parse(l, nullptr, false);
      if (!j.is_discarded()) out.push_back(j);
    }
    return out;
  }
  std::vector<json> Results(uint32_t pid) {
    std::vector<json> out;
    for (const auto& r : Audit())
      if (r.value("kind", "") == "action" && r.value("phase", "") == "result" && r["target"].value("pid", 0u) == pid)
        out.push_back(r);
    return out;
  }
  bool WaitForResult(uint32_t pid, int timeout_ms) {
    for (int waited = 0; waited < timeout_ms; waited += 20) {
      if (!Results(pid).empty()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  std::vector<std::string> Victim(const std::string& marker, int sleep_ms, bool marker_first_after_trigger) {
    if (marker_first_after_trigger)
      return {WorkloadPath(), "openro", trigger_, "open", marker, "sleepms", std::to_string(sleep_ms)};
    return {WorkloadPath(), "openro", trigger_, "sleepms", std::to_string(sleep_ms), "open", marker};
  }

  std::string dir_, trigger_, rules_, audit_, policies_;
};

TEST_F(ResponseTest, UserspaceKillEndsTheOffender) {
  WritePolicy(KillPolicy());
  auto agent = StartAgent();
  const std::string marker = dir_ + "/marker-user";
  pid_t victim = SpawnChild(Victim(marker, 4000, false));
  auto status = WaitChild(victim, 3000);
  ASSERT_TRUE(status) << "the victim was not killed\n" << agent->Log();
  EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL);
  EXPECT_FALSE(std::filesystem::exists(marker));
  ASSERT_TRUE(WaitForResult(victim, 2000)) << agent->Log();
  auto r = Results(victim).front();
  EXPECT_EQ(r["outcome"], "done");
  EXPECT_EQ(r["mode"], "enforce");
  EXPECT_EQ(r["details"]["path"], "pidfd");
  EXPECT_EQ(r["details"]["verified_by"], "start_time");
  EXPECT_EQ(r["details"]["exited"], true);
  agent->Stop();
  EXPECT_TRUE(VerifyAuditChain({audit_}).ok);
}

TEST_F(ResponseTest, InKernelKillLandsBeforeTheNextInstruction) {
  WritePolicy(KillPolicy(InKernelStep()));
  auto agent = StartAgent();
  ASSERT_TRUE(agent->WaitForLog("in-kernel kill selector: policy 'kill-trigger'", 1000)) << agent->Log();
  const std::string marker = dir_ + "/marker-kernel";
  // The marker is the victim's very next syscall after the triggering open (and close).
  pid_t victim = SpawnChild(Victim(marker, 3000, true));
  auto status = WaitChild(victim, 3000);
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL);
  EXPECT_FALSE(std::filesystem::exists(marker)) << "the victim ran on after the triggering syscall";
  ASSERT_TRUE(WaitForResult(victim, 2000)) << agent->Log();
  auto r = Results(victim).front();
  EXPECT_EQ(r["outcome"], "done");
  EXPECT_EQ(r["details"]["path"], "in-kernel");
  // A process the selector does not name is left alone.
  pid_t other = SpawnChild({"/bin/cat", trigger_});
  auto other_status = WaitChild(other, 3000);
  ASSERT_TRUE(other_status);
  EXPECT_TRUE(WIFEXITED(*other_status) && WEXITSTATUS(*other_status) == 0);
  agent->Stop();
  EXPECT_NE(agent->Log().find("1 in-kernel kills"), std::string::npos) << agent->Log();
}

TEST_F(ResponseTest, DryRunLeavesTheProcessAliveAndRecordsWhatItWouldHaveDone) {
  WritePolicy(KillPolicy(InKernelStep()));
  auto agent = StartAgent({"--dry-run"});
  EXPECT_EQ(agent->Log().find("in-kernel kill selector:"), std::string::npos) << "dry-run must not program the kernel";
  const std::string marker = dir_ + "/marker-dry";
  pid_t victim = SpawnChild(Victim(marker, 800, true));
  auto status = WaitChild(victim, 5000);
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  EXPECT_TRUE(std::filesystem::exists(marker));
  ASSERT_TRUE(WaitForResult(victim, 2000)) << agent->Log();
  auto r = Results(victim).front();
  EXPECT_EQ(r["outcome"], "would_have");
  EXPECT_EQ(r["mode"], "dry-run");
  EXPECT_EQ(r["mode_reason"], "--dry-run");
  EXPECT_EQ(r["details"]["pids"], json::array({victim}));
}

TEST_F(ResponseTest, AReusedPidIsNeverHit) {
  // The alert's process is "gone"; its pid now belongs to a bystander with another start time.
  pid_t bystander = SpawnChild({"/bin/sleep", "30"});
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ProcScanner scanner;
  auto info = scanner.ReadProcess(static_cast<uint32_t>(bystander), false);
  ASSERT_TRUE(info);
  ProcessKillResponder kill({});
  ProtectedTargets protection(ProtectionConfig{});
  AlertFacts alert;
  alert.target.pid = static_cast<uint32_t>(bystander);
  alert.target.start_boottime_ns = info->start_boottime_ns - 5'000'000'000ULL;  // an earlier process
  alert.target.process_name = "sleep";
  json params = json::object();
  auto r = kill.Run({alert, params, false, protection, "p"});
  EXPECT_EQ(r.outcome, Outcome::kTargetGone) << r.error;
  EXPECT_FALSE(WaitChild(bystander, 200)) << "the bystander was killed";
  // The same pid with its true start time is the target.
  alert.target.start_boottime_ns = info->start_boottime_ns;
  r = kill.Run({alert, params, false, protection, "p"});
  EXPECT_EQ(r.outcome, Outcome::kDone) << r.error;
  auto status = WaitChild(bystander, 2000);
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFSIGNALED(*status));
}

TEST_F(ResponseTest, ProcessGroupAndProtectedMembers) {
  // A shell leading its own group with two children: target process_group kills all three.
  pid_t leader = fork();
  if (leader == 0) {
    setpgid(0, 0);
    execl("/bin/sh", "sh", "-c", "sleep 30 & sleep 30 & wait", nullptr);
    _exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ProcScanner scanner;
  auto info = scanner.ReadProcess(static_cast<uint32_t>(leader), false);
  ASSERT_TRUE(info);
  ProcessKillResponder kill({});
  ProtectionConfig config;
  config.process_names = {"sleep"};  // the children are protected by name
  ProtectedTargets protection(config);
  AlertFacts alert;
  alert.target.pid = static_cast<uint32_t>(leader);
  alert.target.start_boottime_ns = info->start_boottime_ns;
  json params = {{"target", "process_group"}};
  auto r = kill.Run({alert, params, false, protection, "p"});
  EXPECT_EQ(r.outcome, Outcome::kDone) << r.error;
  EXPECT_EQ(r.details["pids"], json::array({leader}));
  EXPECT_EQ(r.details["protected"].size(), 2u);
  ASSERT_TRUE(WaitChild(leader, 2000));
  Shell("pkill -KILL -g " + std::to_string(leader) + " || true");  // the spared children
}

TEST_F(ResponseTest, ReloadKeepsTheLastGoodSet) {
  WritePolicy(KillPolicy("", "dry-run"));
  auto agent = StartAgent();
  // A broken file on SIGHUP: refused, the dry-run set stays.
  WritePolicy("- policy: broken\n  match: {rules: [x]\n");
  agent->Signal(SIGHUP);
  ASSERT_TRUE(agent->WaitForLog("reload refused", 3000)) << agent->Log();
  EXPECT_NE(agent->Log().find("policies.yaml:"), std::string::npos) << "the error must name the file";
  pid_t first = SpawnChild(Victim(dir_ + "/m1", 300, false));
  ASSERT_TRUE(WaitChild(first, 3000));
  ASSERT_TRUE(WaitForResult(first, 2000)) << agent->Log();
  EXPECT_EQ(Results(first).front()["outcome"], "would_have");
  // A good file, noticed without a signal: the enforcing set takes over.
  WritePolicy(KillPolicy());
  ASSERT_TRUE(agent->WaitForLog("reload done", 5000)) << agent->Log();
  pid_t second = SpawnChild(Victim(dir_ + "/m2", 4000, false));
  auto status = WaitChild(second, 3000);
  ASSERT_TRUE(status) << agent->Log();
  EXPECT_TRUE(WIFSIGNALED(*status));
  bool refused = false, done = false;
  for (const auto& r : Audit()) {
    if (r.value("kind", "") != "reload") continue;
    refused |= r["outcome"] == "refused";
    done |= r["outcome"] == "done";
  }
  EXPECT_TRUE(refused && done);
}

TEST_F(ResponseTest, KilledAgentLosesNoReportedAction) {
  WritePolicy(KillPolicy());
  std::map<uint64_t, std::string> reported;  // seq -> outcome, from the agents' logs
  const std::regex line(R"(action seq=(\d+) .*: (\w+))");
  for (int round = 0; round < 6; ++round) {
    std::filesystem::remove(dir_ + "/agent.log");
    auto agent = StartAgent();
    std::vector<pid_t> victims;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500 + 97 * round);
    while (std::chrono::steady_clock::now() < until) {
      victims.push_back(SpawnChild(Victim(dir_ + "/m", 3000, false)));
      std::this_thread::sleep_for(std::chrono::milliseconds(15));
    }
    agent->KillHard();  // in the middle of answering
    for (pid_t v : victims) {
      kill(v, SIGKILL);
      waitpid(v, nullptr, 0);
    }
    std::istringstream log(agent->Log());
    for (std::string l; std::getline(log, l);) {
      std::smatch m;
      if (std::regex_search(l, m, line)) reported[std::stoull(m[1])] = m[2];
    }
  }
  ASSERT_GT(reported.size(), 10u);
  std::map<uint64_t, std::string> audited;
  for (const auto& r : Audit())
    if (r.value("phase", "") == "result") audited[r["seq"].get<uint64_t>()] = r["outcome"];
  for (const auto& [seq, outcome] : reported) {
    ASSERT_TRUE(audited.count(seq)) << "reported seq " << seq << " is not in the audit log";
    EXPECT_EQ(audited[seq], outcome);
  }
  auto v = VerifyAuditChain({audit_});
  EXPECT_TRUE(v.ok) << v.first_break;
}

TEST_F(ResponseTest, RespondAnswersFalcoAlertsOverHttp) {
  WritePolicy("- policy: kill-shell\n  match: {rules: [Terminal shell in container], priority: '>= Notice'}\n"
              "  actions: [{action: process.kill}]\n");
  const int port = 20000 + getpid() % 20000;
  AgentProcess respond({"respond", "--listen", "127.0.0.1:" + std::to_string(port), "--policies", policies_,
                        "--audit-log", audit_},
                       dir_ + "/respond.log", "accepting Falco alerts");
  ASSERT_TRUE(respond.ready()) << respond.Log();
  httplib::Client client("127.0.0.1", port);
  auto bad = client.Post("/", "{not json", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto incomplete = client.Post("/", R"({"priority":"Notice"})", "application/json");
  ASSERT_TRUE(incomplete);
  EXPECT_EQ(incomplete->status, 400);
  EXPECT_NE(incomplete->body.find("rule"), std::string::npos);

  pid_t shell = SpawnChild({"/bin/sleep", "30"});
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  json alert = {{"time", "2099-01-01T00:00:00.000000000Z"},
                {"rule", "Terminal shell in container"},
                {"priority", "Notice"},
                {"source", "syscall"},
                {"output", "A shell was spawned"},
                {"output_fields", {{"proc.pid", shell}, {"proc.name", "sleep"}, {"container.id", "host"}}}};
  auto res = client.Post("/", alert.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  auto body = json::parse(res->body);
  ASSERT_EQ(body["actions"].size(), 1u) << res->body;
  EXPECT_EQ(body["actions"][0]["outcome"], "done") << res->body;
  auto status = WaitChild(shell, 2000);
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFSIGNALED(*status));
  EXPECT_NE(respond.Log().find("not JSON"), std::string::npos);
  EXPECT_EQ(respond.Stop(), 0);
  EXPECT_TRUE(VerifyAuditChain({audit_}).ok);
}

TEST_F(ResponseTest, PolicyTestCommandShowsMatchesAndActions) {
  WritePolicy(KillPolicy(InKernelStep()));
  std::ofstream(dir_ + "/alert.json") << R"({"rule":"Test trigger opened","priority":"Critical","output_fields":{}})";
  std::ofstream(dir_ + "/other.json") << R"({"rule":"Nothing","priority":"Critical","output_fields":{}})";
  int rc = 0;
  std::string out = ShellStatus(RiposteBinary() + " policy test --policies " + policies_ + " --alert " + dir_ +
                                    "/alert.json",
                                &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("policy 'kill-trigger'"), std::string::npos) << out;
  EXPECT_NE(out.find("mode enforce"), std::string::npos) << out;
  EXPECT_NE(out.find("kill: process.kill"), std::string::npos) << out;
  EXPECT_NE(out.find("[in-kernel on 2 syscalls]"), std::string::npos) << out;
  out = ShellStatus(RiposteBinary() + " policy test --policies " + policies_ + " --alert " + dir_ + "/other.json", &rc);
  EXPECT_EQ(rc, 3) << out;
  EXPECT_NE(out.find("no policy matches"), std::string::npos) << out;
}

}  // namespace
}  // namespace riposte::testing
