// The /proc evidence steps on a real process (this test's own): evidence.process records
// its fds and sockets with their addresses and its maps; evidence.file copies the file an
// alert field names byte for byte and, asked to, quarantines the original, but never a
// protected executable; a process gone or a pid reused is target_gone; dry-run writes
// nothing. (The same steps on a pod's dropped binary: tests/integration/evidence_test.cpp.)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "audit/sha256.h"
#include "evidence/process_evidence.h"
#include "responders/evidence_file.h"
#include "responders/evidence_process.h"
#include "state/proc_scanner.h"

namespace riposte::testing {
namespace {

class EvidenceRespondersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = "/tmp/riposte-evidence-steps-" + std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto self = ProcScanner().ReadStat(static_cast<uint32_t>(getpid()));
    ASSERT_TRUE(self.has_value());
    alert_.id = "alert-1";
    alert_.rule = "R";
    alert_.target.pid = static_cast<uint32_t>(getpid());
    alert_.target.start_boottime_ns = self->start_boottime_ns;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  ActionResult Run(Responder& r, const nlohmann::json& params, bool dry_run = false,
                   const ProtectedTargets* protection = nullptr) {
    ProtectedTargets none(ProtectionConfig{{}, {}, {}, {}});
    return r.Run({alert_, params, dry_run, protection ? *protection : none, "policy", "step"});
  }

  std::string dir_;
  AlertFacts alert_;
};

TEST_F(EvidenceRespondersTest, ProcessEvidenceHoldsTheFdsSocketsAndMapsOfTheProcess) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(listener, 1), 0);
  socklen_t len = sizeof(addr);
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string local = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

  EvidenceProcessResponder responder(dir_);
  ActionResult r = Run(responder, {{"tree", false}});
  ASSERT_EQ(r.outcome, Outcome::kDone) << r.error;
  const std::string path = r.details["path"];
  EXPECT_EQ(r.details["sha256"], DigestPath(path)->sha256);
  std::ifstream in(path);
  const auto evidence = nlohmann::json::parse(in);
  const auto& me = evidence["tree"]["processes"][0];
  EXPECT_EQ(me["pid"], getpid());
  EXPECT_EQ(me["exe"], std::filesystem::read_symlink("/proc/self/exe").string());
  // The test binary may be larger than the hashing bound: then it says so.
  auto exe = DigestPath(std::filesystem::read_symlink("/proc/self/exe").string());
  ASSERT_TRUE(exe.ok());
  if (exe->size <= ProcessEvidenceLimits{}.max_exe_bytes) EXPECT_EQ(me["exe_sha256"], exe->sha256);
  else EXPECT_EQ(me["exe_sha256_skipped"], "larger than the bound");
  bool found = false;
  for (const auto& f : me["fds"])
    if (f["fd"] == listener) {
      ASSERT_TRUE(f.contains("socket")) << f.dump();
      EXPECT_EQ(f["socket"]["protocol"], "tcp");
      EXPECT_EQ(f["socket"]["local"], local);
      EXPECT_EQ(f["socket"]["state"], "LISTEN");
      found = true;
    }
  EXPECT_TRUE(found) << me["fds"].dump();
  EXPECT_FALSE(me["maps"].empty());
  EXPECT_NE(me["namespaces"]["pid"].get<std::string>().find("pid:["), std::string::npos);
  close(listener);
}

TEST_F(EvidenceRespondersTest, FileEvidenceCopiesTheFieldsFileAndQuarantinesOnlyWhenAskedAndNotProtected) {
  const std::string dropped = dir_ + "/dropped";
  std::ofstream(dropped) << "#!/bin/sh\necho miner\n";
  std::filesystem::permissions(dropped, std::filesystem::perms(0755));
  alert_.output_fields = {{"fd.name", dropped}};
  const std::string sha = DigestPath(dropped)->sha256;
  EvidenceFileResponder responder(dir_ + "/evidence");

  // Dry-run: checked, described, nothing written.
  ActionResult dry = Run(responder, {{"field", "fd.name"}, {"quarantine", true}}, true);
  EXPECT_EQ(dry.outcome, Outcome::kWouldHave) << dry.error;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/evidence"));

  // A protected executable is copied by no quarantine.
  ProtectedTargets protect(ProtectionConfig{{}, {dropped}, {}, {}});
  ActionResult refused = Run(responder, {{"field", "fd.name"}, {"quarantine", true}}, false, &protect);
  EXPECT_EQ(refused.outcome, Outcome::kSkippedProtected) << refused.error;
  EXPECT_EQ(std::filesystem::status(dropped).permissions(), std::filesystem::perms(0755));

  ActionResult r = Run(responder, {{"field", "fd.name"}, {"quarantine", true}});
  ASSERT_EQ(r.outcome, Outcome::kDone) << r.error;
  EXPECT_EQ(r.details["sha256"], sha);
  EXPECT_EQ(DigestPath(r.details["path"].get<std::string>())->sha256, sha);
  EXPECT_EQ(r.details["mode_original"], 0755);
  EXPECT_EQ(r.details["quarantined"], true);
  EXPECT_EQ(std::filesystem::status(dropped).permissions(), std::filesystem::perms(0644)) << "execute bits cleared";

  // A field that is no absolute path is refused, saying which.
  alert_.output_fields = {{"fd.name", "relative/path"}};
  ActionResult bad = Run(responder, {{"field", "fd.name"}});
  EXPECT_EQ(bad.outcome, Outcome::kFailed);
  EXPECT_NE(bad.error.find("not an absolute path"), std::string::npos) << bad.error;
}

TEST_F(EvidenceRespondersTest, AFieldsPathIsResolvedInsideTheProcesssRootLinksIncluded) {
  // A process in a root of its own (as a container's), where /tmp/evil -> /etc: the alert's
  // /tmp/evil/shadow is its own fake, never the node's /etc/shadow.
  const std::string root = dir_ + "/root";
  std::filesystem::create_directories(root + "/etc");
  std::filesystem::create_directories(root + "/tmp");
  std::ofstream(root + "/etc/shadow") << "fake";
  std::filesystem::create_symlink("/etc", root + "/tmp/evil");
  pid_t child = fork();
  if (child == 0) {
    if (chroot(root.c_str()) != 0) _exit(1);
    pause();
    _exit(0);
  }
  ASSERT_GT(child, 0);
  std::string root_link;
  for (int i = 0; i < 200 && root_link != root; ++i) {
    std::error_code ec;
    root_link = std::filesystem::read_symlink("/proc/" + std::to_string(child) + "/root", ec).string();
    usleep(5000);
  }
  ASSERT_EQ(root_link, root);
  auto stat = ProcScanner().ReadStat(static_cast<uint32_t>(child));
  ASSERT_TRUE(stat.has_value());
  alert_.target.pid = static_cast<uint32_t>(child);
  alert_.target.start_boottime_ns = stat->start_boottime_ns;
  alert_.output_fields = {{"fd.name", "/tmp/evil/shadow"}};
  EvidenceFileResponder responder(dir_ + "/evidence");
  ActionResult r = Run(responder, {{"field", "fd.name"}});
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  ASSERT_EQ(r.outcome, Outcome::kDone) << r.error;
  std::ifstream copy(r.details["path"].get<std::string>());
  std::string content;
  copy >> content;
  EXPECT_EQ(content, "fake");
}

TEST_F(EvidenceRespondersTest, AProcessThatIsNoLongerTheAlertsIsTargetGone) {
  alert_.target.start_boottime_ns += 1'000'000'000;  // the pid now names another process (/proc counts ticks)
  EvidenceProcessResponder process(dir_);
  EXPECT_EQ(Run(process, nlohmann::json::object()).outcome, Outcome::kTargetGone);
  EvidenceFileResponder file(dir_);
  EXPECT_EQ(Run(file, nlohmann::json::object()).outcome, Outcome::kTargetGone);
  EXPECT_FALSE(process.ValidateParams({{"tree", "yes"}}).ok());
  EXPECT_FALSE(file.ValidateParams({{"max_bytes", 0}}).ok());
}

}  // namespace
}  // namespace riposte::testing
