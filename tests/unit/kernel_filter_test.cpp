// The kernel record filter: what the derivation keeps, checked against the rule engine
// itself. The central property: every open a loaded rule matches (decode -> state ->
// rules, as the agent runs them) is one the filter sends. It is checked over Falco's three
// upstream rule files with riposte's defaults and over hand-written rules that exercise
// negations, flags, results and process names, on opens that vary every dimension the
// kernel sees. The same decisions are what the kernel program makes (the model mirrors it;
// tests/integration/kernel_filter_test.cpp checks the kernel against the model).
#include <fcntl.h>
#include <sys/syscall.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "decode/record_decoder.h"
#include "kernel/record_filter.h"
#include "record_builder.h"
#include "rules/kernel_filter_derivation.h"
#include "rules/rule_engine.h"
#include "state/path_resolution.h"
#include "state/state_tracker.h"

namespace riposte::testing {
namespace {

std::string FalcoRulesDir() {
  const char* env = std::getenv("RIPOSTE_FALCO_RULES_DIR");
  return env ? env : RIPOSTE_FALCO_RULES_DIR;
}

RawRecord OpenRecord(int nr, const std::string& path, uint64_t flags, uint64_t mode, int64_t ret, uint32_t pid) {
  switch (nr) {
    case SYS_open: return SyscallRecord(nr, ret, {0, flags, mode}, path, {}, pid);
    case SYS_creat: return SyscallRecord(nr, ret, {0, mode}, path, {}, pid);
    case SYS_openat2: {
      uint64_t how[3] = {flags, mode, 0};
      std::string p0 = path + '\0';
      std::string p1(reinterpret_cast<const char*>(how), sizeof(how));
      return SyscallRecord(nr, ret, {static_cast<uint64_t>(AT_FDCWD), 0, 0, sizeof(how)}, p0, p1, pid, false);
    }
    default: return SyscallRecord(nr, ret, {static_cast<uint64_t>(AT_FDCWD), 0, flags, mode}, path, {}, pid);
  }
}

struct Verdicts {
  size_t matched = 0, matched_and_sent = 0, left_out = 0, opens = 0;
  std::vector<std::string> missed;  // matched but left out: must stay empty
};

// Every combination of syscall, flags, mode, result, path and process, through the real
// pipeline and through the model.
Verdicts Check(const RuleSet& rules) {
  auto captured = CapturedSyscallsForRules(rules);
  auto derived = DeriveRecordFilter(rules, captured);
  auto model = RecordFilterModel::Create(derived.plan);
  EXPECT_TRUE(model) << (model ? "" : model.error().message);
  Verdicts v;
  if (!model) return v;

  std::shared_ptr<const RuleSet> shared(&rules, [](const RuleSet*) {});
  RuleEngine engine(shared, Priority::kDebug, "host");
  StateTracker tracker(StateConfig{}, nullptr);
  const std::vector<std::pair<std::string, std::string>> programs = {
      {"/usr/bin/bash", "/"}, {"/usr/sbin/sshd", "/"}, {"/usr/bin/tar", "/docker/" + std::string(64, 'a')},
      {"/usr/sbin/nginx", "/docker/" + std::string(64, 'b')}, {"/usr/bin/cat", "/"}, {"/usr/bin/python3", "/"}};
  const std::vector<std::string> paths = {
      "/etc/hostname", "/etc/shadow", "/etc/passwd", "/etc/sudoers.d/x", "/etc/pam.d/sshd", "/etc/ld.so.preload",
      "/etc/cron.d/job", "/etc/profile", "/etc/apt/sources.list", "/etc/ssh/sshd_config", "/etc/", "/etc",
      "/root/.ssh/authorized_keys", "/root/.bashrc", "/root/.bash_history", "/home/u/.ssh/id_rsa", "/home/u/.bashrc",
      "/home/u/.zsh_history", "/proc/1/environ", "/proc/self/status", "/dev/sda", "/dev/mem", "/dev/null", "/dev/shm/x",
      "/var/log/syslog", "/var/log/wtmp", "/var/run/docker.sock", "/var/lib/kubelet/config", "/tmp/x", "/tmp/.x",
      "/usr/bin/ls", "/usr/lib/x86_64-linux-gnu/liblzma.so.5.6.0", "/usr/lib/libc.so.6", "/bin/sh", "/boot/vmlinuz",
      "/lib/modules/x.ko", "/sys/fs/cgroup/release_agent", "/host/etc/shadow", "/opt/app/data", "/", "//etc/shadow",
      "/tmp/../etc/shadow", "/etc/./shadow", "etc/shadow", "../../etc/passwd", "shadow", "/etc/shadow/", "/a..b/c",
      "/root/.aws/credentials", "/var/spool/cron/root", "/etc/kubernetes/admin.conf", "/run/containerd/containerd.sock"};
  const std::vector<uint64_t> flag_sets = {
      O_RDONLY, O_WRONLY, O_RDWR, O_RDONLY | O_CLOEXEC, O_WRONLY | O_CREAT | O_TRUNC, O_WRONLY | O_APPEND,
      O_RDWR | O_CREAT, O_RDONLY | O_DIRECTORY, O_WRONLY | O_CREAT | O_EXCL, O_PATH, O_RDWR | O_TRUNC, 3,
      O_RDWR | O_TMPFILE};
  const std::vector<int64_t> results = {5, 1, -2, -13};
  const std::vector<int> syscalls = {SYS_open, SYS_openat, SYS_openat2, SYS_creat};

  uint32_t pid = 1000;
  std::vector<Alert> alerts;
  for (const auto& [exe, cgroup] : programs) {
    ++pid;
    RawRecord exec = ExecRecord(pid, 1, exe, {exe}, cgroup);
    model->Sends(exec.bytes());
    Event exec_event;
    EXPECT_TRUE(DecodeRecord(exec.bytes(), exec_event).ok());
    tracker.Apply(exec_event);
    for (int nr : syscalls)
      for (const auto& path : paths)
        for (uint64_t flags : flag_sets)
          for (uint64_t mode : {0644u, 0755u})
            for (int64_t ret : results) {
              if (nr == SYS_creat && (flags != O_RDONLY || ret == 1)) continue;  // creat has no flags
              RawRecord raw = OpenRecord(nr, path, flags, mode, ret, pid);
              const bool sent = model->Sends(raw.bytes());
              Event e;
              if (!DecodeRecord(raw.bytes(), e).ok()) continue;
              tracker.Apply(e);
              alerts.clear();
              engine.Evaluate(e, tracker.processes(), 1'700'000'000'000'000'000, alerts);
              ++v.opens;
              if (!sent) ++v.left_out;
              if (!alerts.empty()) {
                ++v.matched;
                if (sent) ++v.matched_and_sent;
                else
                  v.missed.push_back(alerts[0].rule->def.name + " on " + exe + " " + std::to_string(nr) + " " + path +
                                     " flags " + std::to_string(flags) + " ret " + std::to_string(ret));
              }
              // Closing what it opened keeps the fd table as the agent's would be.
              if (ret >= 0) {
                RawRecord close = SyscallRecord(SYS_close, 0, {static_cast<uint64_t>(ret)}, {}, {}, pid);
                model->Sends(close.bytes());
                Event ce;
                if (DecodeRecord(close.bytes(), ce).ok()) tracker.Apply(ce);
              }
            }
  }
  return v;
}

TEST(KernelFilter, CleanPathsAreTheirOwnNormalForm) {
  for (std::string p : {"/etc/shadow", "/", "/a/b.c/.d", "/.x/y", "/x/y."})
    EXPECT_TRUE(IsCleanPath(p)) << p;
  // ".." anywhere, even inside a name, is left to userspace: a rule may look for "../".
  for (std::string p : {"etc/shadow", "", "//etc", "/etc//shadow", "/etc/../x", "/etc/./x", "/etc/.", "/etc/..",
                        "/etc/", "/a/b/", "/a/..", "/a..b"})
    EXPECT_FALSE(IsCleanPath(p)) << p;
  // The premise the kernel relies on: a clean path is what normalising makes of it.
  for (std::string p : {"/etc/shadow", "/", "/a/b.c/.d", "/.x/y", "/usr/lib/x86_64-linux-gnu/liblzma.so.5.6.0"})
    EXPECT_EQ(ResolvePath("/some/cwd", p), p);
}

TEST(KernelFilter, EveryOpenFalcosRulesMatchIsSent) {
  const std::string dir = FalcoRulesDir();
  ASSERT_TRUE(std::filesystem::exists(dir + "/falco_rules.yaml")) << dir;
  auto rules = RuleSet::Load({dir + "/falco_rules.yaml", dir + "/falco-incubating_rules.yaml",
                              dir + "/falco-sandbox_rules.yaml", std::string(RIPOSTE_SOURCE_DIR) + "/rules"});
  ASSERT_FALSE(rules->has_errors());
  auto derived = DeriveRecordFilter(*rules, CapturedSyscallsForRules(*rules));
  ASSERT_EQ(derived.plan.open.size(), 4u) << "the open family is filtered for these rules";
  EXPECT_TRUE(derived.plan.close_untracked);
  Verdicts v = Check(*rules);
  EXPECT_TRUE(v.missed.empty()) << v.missed.size() << " matched opens left out, first: " << v.missed.front();
  EXPECT_GT(v.matched, 1000u) << "the workload must exercise the rules";
  EXPECT_GT(v.left_out, v.opens / 4) << "the filter must leave out what no rule can match";
  // Said once more as counts: every matched open was sent.
  EXPECT_EQ(v.matched_and_sent, v.matched);
}

TEST(KernelFilter, NegationsFlagsResultsAndNamesAreBoundedSoundly) {
  auto rules = RuleSet::LoadTexts({{"r.yaml", R"(
- macro: writing
  condition: (evt.is_open_write=true and fd.typechar='f')
- rule: not a read below etc
  desc: d
  condition: evt.type in (open, openat, openat2, creat) and not evt.is_open_read=true and fd.name startswith /etc/
  output: o
  priority: WARNING
- rule: failed in root
  desc: d
  condition: evt.type=openat and not evt.rawres >= 0 and fd.directory = /root
  output: o %fd.name
  priority: WARNING
- rule: sshd opens anything
  desc: d
  condition: evt.type=openat and proc.name=sshd and not fd.name in (/dev/null)
  output: o
  priority: WARNING
- rule: exec mode file
  desc: d
  condition: evt.type in (open,openat) and evt.is_open_exec=true
  output: o
  priority: WARNING
- rule: writes outside tmp
  desc: d
  condition: evt.type=openat and writing and not (fd.name startswith /tmp or fd.name pmatch (/var/log))
  output: o
  priority: WARNING
- rule: traversal
  desc: d
  condition: evt.type=openat and fd.nameraw contains "../" and fd.nameraw glob "*../*"
  output: o
  priority: WARNING
- rule: exact failure
  desc: d
  condition: evt.type=open and evt.res = ENOENT and fd.name glob /etc/pass*
  output: o
  priority: WARNING
- rule: creat is no write open
  desc: d
  condition: evt.type=creat and evt.is_open_write=false and fd.name startswith /etc
  output: o
  priority: WARNING
- rule: failed file open
  desc: d
  condition: evt.type in (open, openat) and evt.failed=true and fd.typechar='f' and fd.name startswith /root
  output: o
  priority: WARNING
- rule: exec mode without creat
  desc: d
  condition: evt.type=openat and evt.is_open_exec=true and not evt.arg.flags contains O_CREAT
  output: o
  priority: WARNING
)"}});
  ASSERT_FALSE(rules->has_errors());
  Verdicts v = Check(*rules);
  EXPECT_TRUE(v.missed.empty()) << v.missed.size() << " matched opens left out, first: " << v.missed.front();
  EXPECT_GT(v.matched, 100u);
  EXPECT_GT(v.left_out, 0u);
}

TEST(KernelFilter, ARuleTestingAnFdOnAnotherSyscallTurnsTheFilterOff) {
  auto rules = RuleSet::LoadTexts({{"r.yaml", R"(
- rule: fchmod of a file
  desc: d
  condition: evt.type=fchmod and fd.name startswith /etc
  output: o
  priority: WARNING
)"}});
  auto d = DeriveRecordFilter(*rules, CapturedSyscallsForRules(*rules));
  EXPECT_TRUE(d.plan.open.empty());
  EXPECT_FALSE(d.plan.close_untracked);
  ASSERT_FALSE(d.notes.empty());
  EXPECT_NE(d.notes[0].find("fchmod of a file"), std::string::npos);
  // fd.types lists every fd the table holds, a left-out open's too: on any syscall.
  auto types = RuleSet::LoadTexts({{"r.yaml", R"(
- rule: exec with a file held
  desc: d
  condition: evt.type=execve and fd.types[3] = file
  output: o
  priority: WARNING
)"}});
  EXPECT_TRUE(DeriveRecordFilter(*types, CapturedSyscallsForRules(*types)).plan.open.empty());
  // The standard streams' types do not: their opens are never left out.
  auto streams = RuleSet::LoadTexts({{"r.yaml", R"(
- rule: shell on a socket
  desc: d
  condition: evt.type=execve and fd.types[0] in (ipv4, ipv6)
  output: o
  priority: WARNING
)"}});
  EXPECT_FALSE(DeriveRecordFilter(*streams, CapturedSyscallsForRules(*streams)).plan.open.empty());

  // The same field in the output only: the filter stays, and the rule is named.
  auto out_only = RuleSet::LoadTexts({{"r.yaml", R"(
- rule: fchmod printed
  desc: d
  condition: evt.type=fchmod and proc.name=chmod
  output: o %fd.name
  priority: WARNING
- rule: socket only
  desc: d
  condition: evt.type=connect and fd.typechar=4 and fd.name contains x
  output: o
  priority: WARNING
)"}});
  auto d2 = DeriveRecordFilter(*out_only, CapturedSyscallsForRules(*out_only));
  EXPECT_FALSE(d2.plan.open.empty());
  EXPECT_EQ(d2.output_fd_readers, std::set<std::string>{"fchmod printed"});
}

TEST(KernelFilter, AnUnboundedRuleSendsItsSyscallWhole) {
  auto rules = RuleSet::LoadTexts({{"r.yaml", R"(
- rule: any open by a name that is not cat
  desc: d
  condition: evt.type=openat and not proc.name=cat
  output: o
  priority: WARNING
)"}});
  auto d = DeriveRecordFilter(*rules, CapturedSyscallsForRules(*rules));
  EXPECT_EQ(d.plan.open.count("openat"), 0u);
  EXPECT_EQ(d.plan.open.count("open"), 1u);  // no rule matches open: everything but the structural is left out
  auto closes = RuleSet::LoadTexts({{"r.yaml", R"(
- rule: closes
  desc: d
  condition: evt.type=close and proc.name=x
  output: o
  priority: WARNING
)"}});
  EXPECT_FALSE(DeriveRecordFilter(*closes, CapturedSyscallsForRules(*closes)).plan.close_untracked);
}

TEST(KernelFilter, TheModelKeepsBackTheCloseOfWhatItLeftOutAndNothingElse) {
  RecordFilterPlan plan;
  OpenSyscallFilter shadow;  // plain reads of /etc/shadow: every other clean plain read is left out
  shadow.clauses.push_back(OpenPathClause{OpenClassSet().set(0), std::set<std::string>{std::string("/etc/shadow") + '\0'}, std::nullopt});
  plan.open["openat"] = shadow;
  plan.close_untracked = true;
  auto model = RecordFilterModel::Create(plan);
  ASSERT_TRUE(model);
  auto open = [&](const std::string& p, int64_t fd, uint32_t pid = 7) {
    return model->Sends(OpenRecord(SYS_openat, p, O_RDONLY, 0, fd, pid).bytes());
  };
  auto close = [&](int64_t fd, uint32_t pid = 7) {
    return model->Sends(SyscallRecord(SYS_close, 0, {static_cast<uint64_t>(fd)}, {}, {}, pid).bytes());
  };
  EXPECT_FALSE(open("/etc/hostname", 5));
  EXPECT_TRUE(open("etc/hostname", 6));   // relative: userspace normalises it (it could be /etc/shadow)
  EXPECT_TRUE(open("/etc/shadow", 10));
  EXPECT_TRUE(open("/etc/hostname", 1));  // a standard stream
  EXPECT_FALSE(close(5));
  EXPECT_TRUE(close(5));  // not kept back twice
  EXPECT_TRUE(close(6));
  EXPECT_FALSE(open("/etc/hostname", 8));
  // dup2 onto 8 tells userspace of 8: its close is sent.
  EXPECT_TRUE(model->Sends(SyscallRecord(SYS_dup2, 8, {6, 8}, {}, {}, 7).bytes()));
  EXPECT_TRUE(close(8));
  // A child has its own table: it closes what it inherited in full view.
  EXPECT_FALSE(open("/etc/hostname", 9));
  model->Sends(ForkRecord(7, 70).bytes());
  EXPECT_TRUE(close(9, 70));
  EXPECT_FALSE(close(9, 7));
}

}  // namespace
}  // namespace riposte::testing
