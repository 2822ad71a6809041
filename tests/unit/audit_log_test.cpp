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
