// Seccomp tightening for real: `riposte exec` under a profile (EPERM or kill, other
// syscalls untouched), seccomp.tighten on a plain containerd container (its spec updated,
// its task restarted, a syscall that worked before now EPERM) and on a pod's container
// (refused: the kubelet owns it; the profile is saved for the pod spec). Each saved
// profile is checked against what libseccomp exports from it.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "integration/capture_harness.h"
#include "integration/container_fixture.h"
#include "seccomp/exec_supervisor.h"
#include "seccomp/seccomp_filter.h"

namespace riposte::testing {
namespace {

// A launched command that ends with the test, however the test ends: SIGTERM to the
// launcher (which passes it on to the command), SIGKILL if it lingers.
struct ScopedLaunch {
  pid_t pid;
  ~ScopedLaunch() {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    if (!WaitChild(pid, 3000)) {
      kill(pid, SIGKILL);
      WaitChild(pid, 2000);
    }
  }
};

class SeccompTest : public ContainerFixture {
 protected:
  void SetUp() override {
    ContainerFixture::SetUp();
    std::ofstream(config_, std::ios::app) << "seccomp:\n  profile_dir: " << dir_ << "/profiles\n";
  }
  std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    std::string t = s.str();
    while (!t.empty() && t.back() == '\n') t.pop_back();
    return t;
  }
  // The saved profile's libseccomp export is what libseccomp makes of the saved JSON.
  void ExpectExportMatches(const std::string& profile_json_path) {
    auto profile = json::parse(Read(profile_json_path), nullptr, false);
    ASSERT_FALSE(profile.is_discarded()) << profile_json_path;
    auto filter = SeccompFilter::FromProfile(profile);
    ASSERT_TRUE(filter.ok()) << filter.error().message;
    auto pfc = filter->ExportPfc();
    ASSERT_TRUE(pfc.ok());
    std::string saved = Read(profile_json_path.substr(0, profile_json_path.size() - 5) + ".pfc");
    while (!pfc->empty() && pfc->back() == '\n') pfc->pop_back();
    EXPECT_EQ(saved, *pfc);
  }
};

TEST_F(SeccompTest, RiposteExecDeniesWhatTheProfileDeniesAndNothingElse) {
  const std::string r = RiposteBinary();
  // Root on the host may unshare; under the restricted profile it may not.
  EXPECT_NE(Shell(r + " exec --profile none -- sh -c 'unshare -n true && echo allowed'").find("allowed"),
            std::string::npos);
  int rc = 0;
  std::string out = ShellStatus(r + " exec --profile restricted --write-profile " + dir_ +
                                    "/applied.json -- sh -c 'unshare -n true; echo rc=$?; cat /etc/hostname > "
                                    "/dev/null && echo read-ok' 2>&1",
                                &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("Operation not permitted"), std::string::npos) << out;
  EXPECT_NE(out.find("rc=1"), std::string::npos) << out;
  EXPECT_NE(out.find("read-ok"), std::string::npos) << "other syscalls keep working: " << out;
  auto applied = json::parse(Read(dir_ + "/applied.json"), nullptr, false);
  ASSERT_FALSE(applied.is_discarded());
  EXPECT_NE(applied.dump().find("\"unshare\""), std::string::npos);
  // A single extra denial, killing instead of failing.
  pid_t child = SpawnChild({r, "exec", "--profile", "none", "--deny", "unshare", "--kill", "--", "unshare", "-n", "true"});
  auto status = WaitChild(child, 5000);
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGSYS) << *status;
  // The launcher is transparent: a SIGTERM sent to it reaches the command.
  child = SpawnChild({r, "exec", "--profile", "restricted", "--", "/bin/sh", "-c",
                      "trap 'echo got-term > " + dir_ + "/term; exit 3' TERM; touch " + dir_ +
                          "/started; while :; do sleep 0.1; done"});
  ASSERT_TRUE(WaitFor([&] { return std::filesystem::exists(dir_ + "/started"); }, 5000));
  kill(child, SIGTERM);
  status = WaitChild(child, 5000);
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 3) << *status;
  EXPECT_EQ(Read(dir_ + "/term"), "got-term");
  // A bad profile is refused before anything runs.
  std::ofstream(dir_ + "/bad.json") << "{\"defaultAction\": \"SCMP_ACT_SOMETIMES\"}";
  out = ShellStatus(r + " exec --profile " + dir_ + "/bad.json -- true 2>&1", &rc);
  EXPECT_EQ(rc, 2);
  EXPECT_NE(out.find("SCMP_ACT_SOMETIMES"), std::string::npos) << out;
}

TEST_F(SeccompTest, TightenRestartsAPlainContainerUnderTheNewProfile) {
  const std::string id = "riposte-seccomp-" + std::to_string(getpid());
  const std::string ctr = "ctr --address " + socket_ + " -n default ";
  // Privileged, so unshare works before the tightening.
  Shell(ctr + "run -d --privileged --mount type=bind,src=" + dir_ + "/data,dst=/data,options=rbind:rw "
        "riposte.local/busybox:1 " + id + " sh -c 'while true; do unshare -n true 2>/dev/null; echo $? > "
        "/data/unshare; for f in /data/trigger-*; do [ -e \"$f\" ] && cat \"$f\" > /dev/null && rm -f \"$f\"; done; "
        "sleep 0.1; done' > /dev/null");
  ASSERT_TRUE(WaitFor([&] { return Read(dir_ + "/data/unshare") == "0"; }, 10000)) << "unshare should work before";
  agent_ = StartAgent("- policy: tighten\n  match: {rules: [Trigger read in a container]}\n  actions:\n"
                      "    - action: seccomp.tighten\n      params: {deny: [unshare, ptrace], restart: true}\n");
  Trigger("seccomp");
  json rec = WaitForAction("seccomp.tighten");
  ASSERT_FALSE(rec.is_null()) << agent_->Log();
  EXPECT_EQ(rec["outcome"], "done") << rec.dump(2);
  EXPECT_EQ(rec["details"]["restarted"], true) << rec.dump(2);
  EXPECT_EQ(rec["details"]["denied"], json({"ptrace", "unshare"}));
  const std::string profile = rec["details"].value("profile", "");
  ASSERT_TRUE(std::filesystem::exists(profile)) << rec.dump(2);
  EXPECT_EQ(rec["details"]["profile_sha256"].get<std::string>().size(), 64u);
  ExpectExportMatches(profile);
  // The restarted task runs the same loop; unshare now fails.
  std::filesystem::remove(dir_ + "/data/unshare");
  EXPECT_TRUE(WaitFor([&] { return Read(dir_ + "/data/unshare") == "1"; }, 10000))
      << "unshare after tightening: " << Read(dir_ + "/data/unshare");
  std::string shown = Shell(RiposteBinary() + " --config " + config_ + " seccomp show " + id);
  EXPECT_NE(shown.find("denied: ptrace, unshare"), std::string::npos) << shown;
  EXPECT_NE(shown.find("seccomp filter"), std::string::npos) << shown;
  EXPECT_NE(shown.find(profile), std::string::npos) << shown;
  EXPECT_EQ(agent_->Stop(), 0);
  Shell(ctr + "task kill -s SIGKILL " + id + " >/dev/null 2>&1; sleep 0.3; " + ctr + "task delete -f " + id +
        " >/dev/null 2>&1; " + ctr + "containers delete " + id + " >/dev/null 2>&1; true");
}

TEST_F(SeccompTest, TightenReachesAProcessStartedUnderRiposteExecAtOnce) {
  const std::string data = dir_ + "/data";
  std::ofstream(rules_) << "- rule: Host trigger read\n  desc: t\n  condition: evt.type in (open, openat) and fd.name "
                           "startswith " << data << "/host-trigger- and container.id = host and proc.name = cat\n  output: host trigger "
                           "(file=%fd.name pid=%proc.pid)\n  priority: CRITICAL\n";
  // A supervised shell: unshare works until the tightening, and the loop reads triggers.
  ScopedLaunch supervised{SpawnChild({RiposteBinary(), "exec", "--profile", "none", "--", "/bin/sh", "-c",
                                 "while true; do unshare -n true 2>/dev/null; echo $? > " + data +
                                     "/unshare; for f in " + data + "/host-trigger-s-*; do [ -e \"$f\" ] && cat \"$f\" "
                                     "> /dev/null && rm -f \"$f\"; done; sleep 0.1; done"})};
  ASSERT_TRUE(WaitFor([&] { return Read(data + "/unshare") == "0"; }, 5000));
  agent_ = StartAgent("- policy: tighten\n  match: {rules: [Host trigger read]}\n  actions:\n"
                      "    - action: seccomp.tighten\n      params: {deny: [unshare, ptrace]}\n");
  std::ofstream(data + "/host-trigger-s-1") << "x";
  json rec = WaitForAction("seccomp.tighten");
  ASSERT_FALSE(rec.is_null()) << agent_->Log();
  EXPECT_EQ(rec["outcome"], "done") << rec.dump(2);
  EXPECT_EQ(rec["details"]["denied_now"], json({"ptrace", "unshare"})) << rec.dump(2);
  EXPECT_TRUE(std::filesystem::exists(rec["details"].value("profile", ""))) << rec.dump(2);
  std::filesystem::remove(data + "/unshare");
  EXPECT_TRUE(WaitFor([&] { return Read(data + "/unshare") == "1"; }, 5000))
      << "the running tree is tightened at once, no restart: " << Read(data + "/unshare");
  // A host process outside any `riposte exec` cannot be: the step fails and says why.
  ScopedLaunch plain{SpawnChild({"/bin/sh", "-c", "sleep 0.3; cat " + data + "/host-trigger-p; sleep 2"})};
  std::ofstream(data + "/host-trigger-p") << "x";
  EXPECT_TRUE(WaitFor([&] { return ActionResults("seccomp.tighten").size() >= 2; }, 10000)) << agent_->Log();
  auto all = ActionResults("seccomp.tighten");
  ASSERT_GE(all.size(), 2u);
  EXPECT_EQ(all[1]["outcome"], "failed");
  EXPECT_NE(all[1].value("error", "").find("riposte exec"), std::string::npos) << all[1].dump(2);
  EXPECT_EQ(agent_->Stop(), 0);
}

// The supervisor's answer names the saved profile, so a profile it cannot save is an
// error, never a path to nothing.
TEST_F(SeccompTest, ASupervisedTighteningWhoseProfileCannotBeSavedSaysSo) {
  std::ofstream(dir_ + "/unsavable.yaml") << "seccomp:\n  profile_dir: /proc/riposte-cannot-write-here\n";
  ScopedLaunch supervised{SpawnChild({RiposteBinary(), "--config", dir_ + "/unsavable.yaml", "exec", "--profile",
                                      "none", "--", "/bin/sleep", "30"})};
  // The supervisor's socket is named after the command it runs: the launcher's child.
  pid_t command = 0;
  ASSERT_TRUE(WaitFor([&] {
    command = std::atoi(Read("/proc/" + std::to_string(supervised.pid) + "/task/" + std::to_string(supervised.pid) +
                             "/children").c_str());
    return command > 0 && std::filesystem::exists("/run/riposte/exec/" + std::to_string(command) + ".sock");
  }, 5000));
  auto t = TightenSupervised(command, 0, {"unshare"}, DenyAction::kErrno);
  ASSERT_FALSE(t.ok()) << t->profile;
  EXPECT_NE(t.error().message.find("could not be saved"), std::string::npos) << t.error().message;
}

TEST_F(SeccompTest, APodsContainerIsLeftToTheKubeletWithTheProfileSaved) {
  json rec = Answer("seccomp.tighten", "{action: seccomp.tighten, params: {profile: restricted, restart: true}}");
  ASSERT_FALSE(rec.is_null());
  EXPECT_EQ(rec["outcome"], "failed") << rec.dump(2);
  EXPECT_NE(rec.value("error", "").find("kubelet"), std::string::npos) << rec.dump(2);
  const std::string profile = rec["details"].value("profile", "");
  ASSERT_TRUE(std::filesystem::exists(profile)) << rec.dump(2);
  ExpectExportMatches(profile);
  EXPECT_EQ(Task(id_).status, TaskStatus::kRunning) << "nothing in the running pod changes";
  EXPECT_TRUE(CounterMoves(300));
}

}  // namespace
}  // namespace riposte::testing
