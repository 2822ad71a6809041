// The audit trail: the chain links every record to the one before, across restarts and
// rotation; verify finds an altered, removed, reordered or truncated record exactly.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "audit/audit_log.h"
#include "audit/audit_verifier.h"
#include "audit/sha256.h"

namespace riposte {
namespace {

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("rp-audit-" + std::to_string(getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    path_ = (dir_ / "audit.log").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<AuditLog> Open(uint64_t max_bytes = 64 << 20) {
    AuditLogOptions o;
    o.path = path_;
    o.host = "test";
    o.max_bytes = max_bytes;
    o.keep = 3;
    auto log = AuditLog::Open(o);
    EXPECT_TRUE(log) << log.error().message;
    return log ? std::move(*log) : nullptr;
  }
  void Write(int n, AuditLog& log) {
    for (int i = 0; i < n; ++i) ASSERT_TRUE(log.Append({{"kind", "test"}, {"i", i}}));
  }
  std::vector<std::string> Lines(const std::string& p) {
    std::ifstream in(p);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  }
  void WriteLines(const std::string& p, const std::vector<std::string>& lines) {
    std::ofstream out(p, std::ios::trunc);
    for (const auto& l : lines) out << l << "\n";
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(AuditLogTest, ChainsRecordsAndVerifies) {
  auto log = Open();
  Write(5, *log);
  EXPECT_EQ(log->last_seq(), 5u);
  auto lines = Lines(path_);
  ASSERT_EQ(lines.size(), 5u);
  auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["seq"], 1);
  EXPECT_EQ(first["prev_hash"], std::string(kChainOrigin));
  EXPECT_EQ(first["host"], "test");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["prev_hash"], Sha256Hex(lines[0]));
  auto v = VerifyAuditChain({path_});
  EXPECT_TRUE(v.ok) << v.first_break;
  EXPECT_EQ(v.records, 5u);
}

TEST_F(AuditLogTest, Sha256IsTheStandardDigest) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(AuditLogTest, ContinuesTheChainAfterARestart) {
  Write(3, *Open());
  Write(2, *Open());
  auto v = VerifyAuditChain({path_});
  EXPECT_TRUE(v.ok) << v.first_break;
  EXPECT_EQ(v.last_seq, 5u);
}

TEST_F(AuditLogTest, VerifyFindsAnAlteredRecord) {
  Write(5, *Open());
  auto lines = Lines(path_);
  lines[2].replace(lines[2].find("\"i\":2"), 5, "\"i\":9");
  WriteLines(path_, lines);
  auto v = VerifyAuditChain({path_});
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_break.substr(0, path_.size() + 3), path_ + ":4:") << v.first_break;
  EXPECT_NE(v.first_break.find("prev_hash"), std::string::npos);
}

TEST_F(AuditLogTest, VerifyFindsARemovedRecord) {
  Write(5, *Open());
  auto lines = Lines(path_);
  lines.erase(lines.begin() + 1);
  WriteLines(path_, lines);
  auto v = VerifyAuditChain({path_});
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.first_break.find(":2: seq 3 follows seq 1"), std::string::npos) << v.first_break;
}

TEST_F(AuditLogTest, VerifyFindsReorderedRecords) {
  Write(5, *Open());
  auto lines = Lines(path_);
  std::swap(lines[2], lines[3]);
  WriteLines(path_, lines);
  auto v = VerifyAuditChain({path_});
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.first_break.find(":3: seq 4 follows seq 2"), std::string::npos) << v.first_break;
}

TEST_F(AuditLogTest, VerifyFindsWholeRecordsCutFromTheEnd) {
  Write(5, *Open());
  auto lines = Lines(path_);
  lines.resize(3);
  WriteLines(path_, lines);
  auto v = VerifyAuditChain({path_});
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_break.find(":0:"), std::string::npos) << "no line 0: " << v.first_break;
  EXPECT_NE(v.first_break.find("audit.log.head: truncated"), std::string::npos) << v.first_break;
  EXPECT_NE(v.first_break.find("truncated: the log ends at seq 3 but its head file records seq 5"), std::string::npos)
      << v.first_break;
}

TEST_F(AuditLogTest, AHeadFileWithWrongTypedFieldsIsNotedNotFatal) {
  Write(3, *Open());
  { std::ofstream(path_ + ".head", std::ios::trunc) << R"({"seq": "three", "hash": 7})"; }
  auto v = VerifyAuditChain({path_});
  EXPECT_TRUE(v.ok) << v.first_break;
  ASSERT_EQ(v.notes.size(), 1u);
  EXPECT_NE(v.notes[0].find(".head: unreadable, not compared"), std::string::npos) << v.notes[0];
}

TEST_F(AuditLogTest, VerifyFindsARecordCutInTheMiddle) {
  Write(3, *Open());
  std::filesystem::resize_file(path_, std::filesystem::file_size(path_) - 10);
  auto v = VerifyAuditChain({path_});
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.first_break.find(":3: truncated inside a record"), std::string::npos) << v.first_break;
}

TEST_F(AuditLogTest, ATornTailIsCutAndRecordedOnReopen) {
  Write(3, *Open());
  {
    std::ofstream out(path_, std::ios::app);
    out << R"({"seq":4,"time":"2026-)";  // a write the agent was killed inside
  }
  auto log = Open();
  Write(1, *log);
  auto lines = Lines(path_);
  ASSERT_EQ(lines.size(), 5u);
  auto rec = nlohmann::json::parse(lines[3]);
  EXPECT_EQ(rec["kind"], "recovered_tail");
  EXPECT_EQ(rec["removed_bytes"], 22);
  EXPECT_EQ(rec["removed_sha256"], Sha256Hex(R"({"seq":4,"time":"2026-)"));
  auto v = VerifyAuditChain({path_});
  EXPECT_TRUE(v.ok) << v.first_break;
}

TEST_F(AuditLogTest, RotationKeepsTheChainAcrossFiles) {
  auto log = Open(/*max_bytes=*/600);
  Write(12, *log);
  ASSERT_TRUE(std::filesystem::exists(path_ + ".1"));
  std::vector<std::string> files;
  for (int i = 3; i >= 1; --i)
    if (std::filesystem::exists(path_ + "." + std::to_string(i))) files.push_back(path_ + "." + std::to_string(i));
  files.push_back(path_);
  auto v = VerifyAuditChain(files);
  EXPECT_TRUE(v.ok) << v.first_break;
  EXPECT_EQ(v.last_seq, log->last_seq());
  EXPECT_EQ(nlohmann::json::parse(Lines(path_)[0])["kind"], "rotate");
  // The newest file alone: its first link cannot be checked, and verify says so.
  auto alone = VerifyAuditChain({path_});
  EXPECT_TRUE(alone.ok);
  ASSERT_FALSE(alone.notes.empty());
  EXPECT_NE(alone.notes[0].find("earlier files not given"), std::string::npos);
  // Files given in the wrong order break at the first file boundary.
  std::reverse(files.begin(), files.end());
  EXPECT_FALSE(VerifyAuditChain(files).ok);
}

}  // namespace
}  // namespace riposte

namespace riposte {
namespace {

// A full disk once tore a record and left the chain broken for good. On a tiny tmpfs:
// fill it, try to record (refused, nothing torn), free it, record again: the trail holds
// a gap record naming what was refused, and verifies end to end.
TEST(AuditLogFullDisk, NeverTearsTheChainAndRecordsTheGap) {
  const std::string dir = "/tmp/rp-audit-full-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  ASSERT_EQ(system(("mount -t tmpfs -o size=64k tmpfs " + dir).c_str()), 0) << "needs root (tmpfs)";
  struct Unmount {
    std::string d;
    ~Unmount() {
      (void)!system(("umount " + d).c_str());
      std::filesystem::remove_all(d);
    }
  } unmount{dir};
  AuditLogOptions o;
  o.path = dir + "/audit.log";
  o.host = "test";
  auto log = AuditLog::Open(o);
  ASSERT_TRUE(log) << log.error().message;
  ASSERT_TRUE((*log)->Append({{"kind", "test"}, {"i", 0}}));
  // Fill the file system to the last byte.
  {
    std::ofstream filler(dir + "/filler", std::ios::binary);
    std::string block(1024, 'x');
    while (filler.write(block.data(), static_cast<std::streamsize>(block.size())) && filler.flush()) {}
  }
  { std::ofstream f(dir + "/filler2", std::ios::binary); f << std::string(512, 'y') << std::flush; }
  const std::string long_text(10000, 'z');  // more than the page the file has: a short write, then ENOSPC
  for (int i = 0; i < 3; ++i) {
    auto r = (*log)->Append({{"kind", "action"}, {"policy", "p"}, {"action", "process.kill"}, {"pad", long_text}});
    EXPECT_FALSE(r) << "the write cannot have succeeded on a full disk";
  }
  EXPECT_EQ((*log)->write_errors(), 3u);
  auto records = [&] {
    std::ifstream in(o.path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_TRUE(text.empty() || text.back() == '\n') << "a torn record was left behind";
    std::vector<nlohmann::json> out;
    std::istringstream lines(text);
    for (std::string l; std::getline(lines, l);) {
      auto j = nlohmann::json::parse(l, nullptr, false);
      EXPECT_FALSE(j.is_discarded()) << "not a whole record: " << l.substr(0, 80);
      out.push_back(j);
    }
    return out;
  };
  for (const auto& r : records()) EXPECT_NE(r.value("kind", ""), "action") << "a refused record is in the log";
  std::filesystem::remove(dir + "/filler");
  std::filesystem::remove(dir + "/filler2");
  auto next = (*log)->Append({{"kind", "test"}, {"i", 1}});
  ASSERT_TRUE(next) << next.error().message;
  // Whenever the disk took a small record again, the gap so far was written first; every
  // refused record is counted in exactly one gap record, each naming what it was.
  uint64_t refused = 0;
  auto recs = records();
  for (const auto& r : recs) {
    if (r.value("kind", "") != "audit_gap") continue;
    refused += r["refused_records"].get<uint64_t>();
    EXPECT_EQ(r["records"][0]["action"], "process.kill") << r.dump();
    EXPECT_NE(r["error"].get<std::string>().find("No space left"), std::string::npos) << r.dump();
  }
  EXPECT_EQ(refused, 3u);
  EXPECT_EQ(recs.back()["kind"], "test");
  EXPECT_EQ(recs.back()["seq"].get<uint64_t>(), *next);
  auto v = VerifyAuditChain({o.path});
  EXPECT_TRUE(v.ok) << v.first_break;
}

// Every file the trail writes is refused through a planted symlink: root would otherwise
// overwrite whatever the link points at.
TEST(AuditLogSymlinks, APlantedLinkIsRefusedAndItsTargetUntouched) {
  const std::string dir = "/tmp/rp-audit-link-" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string victim = dir + "/victim";
  std::ofstream(victim) << "precious\n";
  for (const std::string planted : {"audit.log", "audit.log.head"}) {
    std::filesystem::remove(dir + "/audit.log");
    std::filesystem::remove(dir + "/audit.log.head");
    std::filesystem::create_symlink(victim, dir + "/" + planted);
    AuditLogOptions o;
    o.path = dir + "/audit.log";
    auto log = AuditLog::Open(o);
    ASSERT_FALSE(log) << planted;
    EXPECT_NE(log.error().message.find("symbolic link"), std::string::npos) << log.error().message;
  }
  std::ifstream in(victim);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "precious\n");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace riposte
