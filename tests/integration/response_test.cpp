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
#include "audit/sha256.h"
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

TEST_F(ResponseTest, ASealedTrailOfALiveAgentVerifiesWithTheKeyAndAConsistentRewriteDoesNot) {
  const std::string key = dir_ + "/seal.key";
  int code = -1;
  std::string out = ShellStatus(RiposteBinary() + " audit seal-init " + audit_ + " --epoch 1s --key-file " + key + " 2>&1", &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("riposte-seal-v1 "), std::string::npos) << out;
  ASSERT_TRUE(std::filesystem::exists(audit_ + ".seal"));
  WritePolicy(KillPolicy("", "dry-run"));
  {
    auto agent = StartAgent();
    // Alerts over three 1 s epochs: the agent seals each epoch's end and its stop.
    for (int i = 0; i < 3; ++i) {
      std::ifstream(trigger_).get();
      std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    }
    agent->Stop();
  }
  out = ShellStatus(RiposteBinary() + " audit verify --key " + key + " " + audit_ + " 2>&1", &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("seals verify with the key"), std::string::npos) << out;
  auto records = Audit();
  size_t seals = 0, results = 0;
  for (const auto& r : records) {
    seals += r["kind"] == "seal";
    results += r["kind"] == "action" && r.value("outcome", "") == "would_have";
  }
  EXPECT_GE(seals, 3u);
  EXPECT_GE(results, 1u);  // later alerts of the same process are deduplicated
  EXPECT_EQ(records.back()["kind"], "seal");
  EXPECT_EQ(records.back()["reason"], "close");

  // Root rewrites what the agent would have done and recomputes every link and the head.
  std::vector<std::string> lines;
  {
    std::ifstream in(audit_);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
  }
  std::string prev(64, '0');
  std::ofstream rewritten(audit_, std::ios::trunc);
  bool changed = false;
  for (auto& l : lines) {
    auto rec = nlohmann::ordered_json::parse(l);
    if (!changed && rec["kind"] == "action" && rec.value("outcome", "") == "would_have") {
      rec["outcome"] = "skipped_condition";
      changed = true;
    }
    rec["prev_hash"] = prev;
    l = rec.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    rewritten << l << "\n";
    prev = Sha256Hex(l);
  }
  rewritten.close();
  std::ofstream(audit_ + ".head", std::ios::trunc)
      << nlohmann::ordered_json{{"seq", nlohmann::json::parse(lines.back())["seq"]}, {"hash", prev}}.dump() << "\n";
  out = ShellStatus(RiposteBinary() + " audit verify " + audit_ + " 2>&1", &code);
  EXPECT_EQ(code, 0) << "the chain alone cannot see it: " << out;
  out = ShellStatus(RiposteBinary() + " audit verify --key " + key + " " + audit_ + " 2>&1", &code);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("does not verify"), std::string::npos) << out;
  // The trail cannot be sealed twice (the first key would be lost).
  out = ShellStatus(RiposteBinary() + " audit seal-init " + audit_ + " 2>&1", &code);
  EXPECT_EQ(code, 2) << out;
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
  config.executables = {"/bin/sleep"};  // the children are the real sleep, run by root on the host
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
  std::ofstream(dir_ + "/tokens") << "test 0123456789abcdef0123456789abcdef\n";
  std::filesystem::permissions(dir_ + "/tokens", std::filesystem::perms(0600));
  AgentProcess respond({"respond", "--socket", dir_ + "/respond.sock", "--listen", "127.0.0.1:" + std::to_string(port),
                        "--token-file", dir_ + "/tokens", "--policies", policies_, "--audit-log", audit_},
                       dir_ + "/respond.log", "accepting Falco alerts");
  ASSERT_TRUE(respond.ready()) << respond.Log();
  httplib::Client client("127.0.0.1", port);
  client.set_bearer_token_auth("0123456789abcdef0123456789abcdef");
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

namespace riposte::testing {
namespace {

// Protection is by what a process is, never by what it calls itself. The "node's binary"
// here is a copy of the workload at a path the configuration protects; every trick that
// used to make a process untouchable by taking a protected name is killed, and only the
// real binary, run by root on the host, is spared. Both kill paths: pidfd and in-kernel.
class ProtectionByIdentityTest : public ResponseTest, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    ResponseTest::SetUp();
    std::filesystem::create_directories(dir_ + "/real");
    std::filesystem::create_directories(dir_ + "/evil");
    real_ = dir_ + "/real/riposte_test_workload";
    std::filesystem::copy_file(WorkloadPath(), real_);
    std::filesystem::permissions(real_, std::filesystem::perms(0755));
    std::ofstream(dir_ + "/riposte.yaml") << "protected:\n  executables: [" << real_ << "]\n";
    WritePolicy(KillPolicy(GetParam() ? InKernelStep() : ""));
    std::vector<std::string> args{"--config", dir_ + "/riposte.yaml", "run", "--rules", rules_, "--policies",
                                  policies_, "--audit-log", audit_, "--duration", "120"};
    agent_ = std::make_unique<AgentProcess>(args, dir_ + "/agent.log");
    ASSERT_TRUE(agent_->ready()) << agent_->Log();
    if (GetParam()) {
      ASSERT_TRUE(agent_->WaitForLog("in-kernel kill selector: policy 'kill-trigger'", 1000)) << agent_->Log();
    }
  }
  // Runs `argv` (which opens the trigger, then sleeps); whether it was killed.
  bool Killed(const std::vector<std::string>& argv) {
    pid_t pid = SpawnChild(argv);
    auto status = WaitChild(pid, 4000);
    if (!status) {
      kill(pid, SIGKILL);
      WaitChild(pid, 1000);
      ADD_FAILURE() << "still running after 4 s: " << argv[0];
      return false;
    }
    pid_ = pid;
    return WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL;
  }
  std::vector<std::string> Payload(const std::string& binary, std::vector<std::string> before = {}) {
    std::vector<std::string> argv{binary};
    argv.insert(argv.end(), before.begin(), before.end());
    for (const char* a : {"openro", "", "sleepms", "1500"}) argv.push_back(a);
    argv[argv.size() - 3] = trigger_;
    return argv;
  }
  std::string real_;
  std::unique_ptr<AgentProcess> agent_;
  pid_t pid_ = 0;
};

TEST_P(ProtectionByIdentityTest, EveryRenamingTrickIsActedOnAndTheRealBinaryIsNot) {
  // A copy of the protected binary under its name, elsewhere: another file.
  const std::string copy = dir_ + "/evil/riposte_test_workload";
  std::filesystem::copy_file(real_, copy);
  EXPECT_TRUE(Killed(Payload(copy))) << agent_->Log();
  // A symlink with the protected binary's name, to the payload.
  std::filesystem::create_symlink(WorkloadPath(), dir_ + "/evil/containerd-shim-x");
  EXPECT_TRUE(Killed(Payload(dir_ + "/evil/containerd-shim-x"))) << agent_->Log();
  // prctl(PR_SET_NAME) to a protected name before the trigger.
  EXPECT_TRUE(Killed(Payload(WorkloadPath(), {"setname", "kubelet"}))) << agent_->Log();
  // The real binary run by an unprivileged user (who could LD_PRELOAD anything into it).
  EXPECT_TRUE(Killed(Payload("/usr/bin/setpriv", {"--reuid=65534", "--regid=65534", "--clear-groups", real_})))
      << agent_->Log();
  // The real binary, run by root on the host: the node's own, never touched.
  EXPECT_FALSE(Killed(Payload(real_))) << agent_->Log();
  const uint32_t spared = static_cast<uint32_t>(pid_);
  ASSERT_TRUE(WaitForResult(spared, 2000)) << agent_->Log();
  auto r = Results(spared).front();
  EXPECT_EQ(r["outcome"], "skipped_protected") << r.dump();
  EXPECT_NE(r.value("error", "").find("by executable identity"), std::string::npos) << r.dump();
  agent_->Stop();
  EXPECT_TRUE(VerifyAuditChain({audit_}).ok);
}

INSTANTIATE_TEST_SUITE_P(KillPaths, ProtectionByIdentityTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "InKernel" : "Userspace"; });

}  // namespace
}  // namespace riposte::testing

namespace riposte::testing {
namespace {

// The rule file that once overflowed the stack (a chain of deeply nested macros, 120 KB,
// fits a ConfigMap) is refused by a reload of either kind; the agent stays up and keeps
// enforcing the previous set.
TEST_F(ResponseTest, ACrashingRuleFileIsRefusedAndTheAgentKeepsEnforcing) {
  WritePolicy(KillPolicy());
  auto agent = StartAgent();
  std::string deep = "- macro: m0\n  condition: proc.name = a\n";
  for (int i = 1; i <= 120; ++i) {
    std::string cond;
    for (int k = 0; k < 400; ++k) cond += "not (proc.name = b or ";
    deep += "- macro: m" + std::to_string(i) + "\n  condition: " + cond + "m" + std::to_string(i - 1) +
            std::string(400, ')') + "\n";
  }
  deep += "- rule: Deep\n  desc: x\n  condition: evt.type = open and m120\n  output: x\n  priority: INFO\n";
  // As a kubelet swaps a ConfigMap: the new file renamed into place (the watcher sees it).
  std::ofstream(rules_ + ".new") << deep;
  std::filesystem::rename(rules_ + ".new", rules_);
  ASSERT_TRUE(agent->WaitForLog("reload refused", 5000)) << agent->Log();
  agent->Signal(SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_TRUE(WaitChild(agent->pid(), 0) == std::nullopt) << "the agent died\n" << agent->Log();
  EXPECT_NE(agent->Log().find("nests more than 1000 levels deep"), std::string::npos) << agent->Log();
  pid_t victim = SpawnChild(Victim(dir_ + "/m-deep", 4000, false));
  auto status = WaitChild(victim, 3000);
  ASSERT_TRUE(status) << "the previous set no longer enforces\n" << agent->Log();
  EXPECT_TRUE(WIFSIGNALED(*status));
  EXPECT_EQ(agent->Stop(), 0);
}

// Kernel drops are alerts: with the agent stopped while a workload opens files, the ring
// buffer (1 MiB) overflows; once it runs again, an alert of the configured priority goes
// to the alert outputs and the audit trail, where policies could match it.
TEST_F(ResponseTest, KernelDropsRaiseARateLimitedAlert) {
  WritePolicy("- policy: note-drops\n  match: {rules: [\"riposte internal: syscall event drops\"]}\n"
              "  actions: [{action: notify}]\n");
  std::ofstream(dir_ + "/riposte.yaml") << "capture: {ring_buffer_mb: 1}\n"
                                           "syscall_event_drops: {actions: [log, alert], priority: Critical, interval_s: 1}\n";
  AgentProcess agent({"--config", dir_ + "/riposte.yaml", "run", "--rules", rules_, "--policies", policies_,
                      "--audit-log", audit_, "--alerts-file", dir_ + "/alerts.json", "--duration", "60"},
                     dir_ + "/agent.log");
  ASSERT_TRUE(agent.ready()) << agent.Log();
  agent.Signal(SIGSTOP);
  pid_t load = SpawnChild({WorkloadPath(), "openloop", "100000", "/etc/hostname"});
  ASSERT_TRUE(WaitChild(load, 20000));
  agent.Signal(SIGCONT);
  auto alerts = [&] {
    std::vector<json> out;
    std::ifstream in(dir_ + "/alerts.json");
    for (std::string l; std::getline(in, l);)
      if (auto j = json::parse(l, nullptr, false); !j.is_discarded() && j.value("rule", "") == "riposte internal: syscall event drops")
        out.push_back(j);
    return out;
  };
  ASSERT_TRUE(WaitFor([&] { return !alerts().empty(); }, 5000)) << agent.Log();
  auto a = alerts().front();
  EXPECT_EQ(a["priority"], "Critical");
  EXPECT_GT(a["output_fields"]["riposte.dropped"].get<uint64_t>(), 0u);
  bool audited = false, notified = false;
  for (const auto& r : Audit()) {
    audited |= r.value("kind", "") == "kernel_drops" && r.value("dropped", 0u) > 0;
    notified |= r.value("kind", "") == "action" && r.value("policy", "") == "note-drops";
  }
  EXPECT_TRUE(audited);
  EXPECT_TRUE(notified) << "a policy can match the drop alert";
  EXPECT_NE(agent.Log().find("records dropped by the kernel"), std::string::npos);
  EXPECT_EQ(agent.Stop(), 0);
}

}  // namespace
}  // namespace riposte::testing
