// Seccomp profiles: tightening keeps everything a profile said except the denied
// syscalls, the filter libseccomp builds from a profile is what its export says, and a
// loaded filter really denies (in a forked child, so the test process stays unfiltered).
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include <gtest/gtest.h>

#include "seccomp/seccomp_filter.h"
#include "seccomp/seccomp_profile.h"

namespace riposte::testing {
namespace {

using nlohmann::json;

TEST(SeccompProfile, TighteningNothingAddsADenyRuleToAnAllowAllProfile) {
  json p = TightenProfile(nullptr, {"unshare", "ptrace", "unshare"}, DenyAction::kErrno);
  EXPECT_EQ(p["defaultAction"], "SCMP_ACT_ALLOW");
  ASSERT_EQ(p["syscalls"].size(), 1u);
  EXPECT_EQ(p["syscalls"][0]["names"], json({"ptrace", "unshare"}));
  EXPECT_EQ(p["syscalls"][0]["action"], "SCMP_ACT_ERRNO");
  EXPECT_EQ(p["syscalls"][0]["errnoRet"], 1);
  EXPECT_EQ(DeniedSyscalls(p), (std::vector<std::string>{"ptrace", "unshare"}));
  EXPECT_EQ(TightenProfile(nullptr, {"bpf"}, DenyAction::kKill)["syscalls"][0]["action"], "SCMP_ACT_KILL_PROCESS");
}

TEST(SeccompProfile, TighteningAnAllowListRemovesTheNamesAndKeepsTheRest) {
  json runtime_default = json::parse(R"({
    "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [
      {"names": ["read", "write", "ptrace"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["unshare"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]}
    ]})");
  json p = TightenProfile(runtime_default, {"ptrace", "unshare"}, DenyAction::kErrno);
  EXPECT_EQ(p["defaultAction"], "SCMP_ACT_ERRNO");
  ASSERT_EQ(p["syscalls"].size(), 2u) << p.dump(2) << "\nthe emptied rule goes, no deny rule (the default denies)";
  EXPECT_EQ(p["syscalls"][0]["names"], json({"read", "write"}));
  EXPECT_EQ(p["syscalls"][1]["names"], json({"personality"})) << "rules with arguments are kept as they were";
  // Kill is not what the default does, so it needs its own rule.
  json k = TightenProfile(runtime_default, {"ptrace"}, DenyAction::kKill);
  EXPECT_EQ(k["syscalls"].back()["action"], "SCMP_ACT_KILL_PROCESS");
}

TEST(SeccompProfile, NamesAreCheckedAgainstThisMachine) {
  EXPECT_TRUE(CheckSyscallNames(RestrictedSyscalls()).ok());
  auto bad = CheckSyscallNames({"ptrace", "no_such_call"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("no_such_call"), std::string::npos);
}

TEST(SeccompFilter, TheExportShowsTheProfilesRules) {
  auto f = SeccompFilter::FromProfile(TightenProfile(nullptr, {"unshare", "bpf"}, DenyAction::kErrno));
  ASSERT_TRUE(f.ok()) << f.error().message;
  auto pfc = f->ExportPfc();
  ASSERT_TRUE(pfc.ok()) << pfc.error().message;
  EXPECT_NE(pfc->find("unshare"), std::string::npos) << *pfc;
  EXPECT_NE(pfc->find("bpf"), std::string::npos) << *pfc;
  EXPECT_NE(pfc->find("ERRNO(1)"), std::string::npos) << *pfc;
  EXPECT_EQ(pfc->find("ptrace"), std::string::npos) << *pfc;

  auto bad = SeccompFilter::FromProfile(json::parse(R"({"defaultAction": "SCMP_ACT_MAYBE"})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("SCMP_ACT_MAYBE"), std::string::npos);
  auto bad_rule = SeccompFilter::FromProfile(json::parse(
      R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "op": "SCMP_CMP_ROUGHLY"}]}]})"));
  ASSERT_FALSE(bad_rule.ok());
  EXPECT_NE(bad_rule.error().message.find("syscalls[0]"), std::string::npos);
}

TEST(SeccompFilter, ALoadedFilterDeniesWithEpermAndLetsTheRestThrough) {
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto f = SeccompFilter::FromProfile(TightenProfile(nullptr, {"unshare"}, DenyAction::kErrno));
    if (!f.ok() || !f->Load().ok()) _exit(10);
    if (unshare(CLONE_NEWUTS) == 0 || errno != EPERM) _exit(11);
    if (getpid() <= 0) _exit(12);
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: no filter, 11: unshare not denied, 12: getpid broken";
}

}  // namespace
}  // namespace riposte::testing
