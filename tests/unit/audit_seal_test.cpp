// Forward-secure sealing: a trail rewritten with its chain and head recomputed (what root
// on the node can do) passes the chain check but fails the key check at the first
// rewritten epoch; a key taken from the node later cannot re-seal earlier epochs; removed
// seals, backdated records and the unsealed tail are reported; the node's state file no
// longer holds an earlier key's bytes once the key has stepped.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/audit_compare.h"
#include "audit/audit_export.h"
#include "audit/audit_log.h"
#include "audit/audit_seal.h"
#include "audit/audit_verifier.h"
#include "audit/sha256.h"
#include "common/wall_time.h"

namespace riposte {
namespace {

using Lines = std::vector<nlohmann::ordered_json>;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class AuditSealTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("rp-seal-" + std::to_string(getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "audit.log").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<AuditLog> Open() {
    auto log = AuditLog::Open({.path = path_, .host = "test"});
    EXPECT_TRUE(log) << log.error().message;
    return log ? std::move(*log) : nullptr;
  }

  // A sealed trail over three 1 s epochs: two records in each, then closed.
  SealVerificationKey WriteThreeEpochs() {
    auto key = SealState::Init(path_, 1, NowNs());
    EXPECT_TRUE(key) << key.error().message;
    auto log = Open();
    for (int epoch = 0; epoch < 3; ++epoch) {
      // Wait for the start of the next epoch (the first: now).
      if (epoch > 0)
        while (key->schedule.EpochOf(NowNs()) < epoch) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      for (int i = 0; i < 2; ++i) EXPECT_TRUE(log->Append({{"kind", "action"}, {"epoch", epoch}, {"i", i}}));
    }
    log.reset();  // the close seal
    return *key;
  }

  Lines Read() {
    Lines out;
    std::ifstream in(path_);
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::ordered_json::parse(line));
    return out;
  }
  // Writes `lines` back with every link and the head recomputed: a consistent rewrite.
  void Rewrite(Lines lines) {
    std::string prev(64, '0');
    std::ofstream out(path_, std::ios::trunc);
    for (auto& rec : lines) {
      rec["prev_hash"] = prev;
      const std::string text = rec.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      out << text << "\n";
      prev = Sha256Hex(text);
    }
    out.close();
    std::ofstream(path_ + ".head", std::ios::trunc) << nlohmann::ordered_json{{"seq", lines.back()["seq"]}, {"hash", prev}}.dump() << "\n";
  }
  static size_t IndexOf(const Lines& lines, const std::function<bool(const nlohmann::ordered_json&)>& match) {
    for (size_t i = 0; i < lines.size(); ++i)
      if (match(lines[i])) return i;
    ADD_FAILURE() << "no such record";
    return 0;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(AuditSealTest, AnUntouchedSealedTrailVerifiesWithTheKey) {
  const SealVerificationKey key = WriteThreeEpochs();
  const Lines lines = Read();
  // One seal at each epoch's end (0 and 1) and the close seal of epoch 2.
  std::vector<uint64_t> sealed;
  for (const auto& r : lines)
    if (r["kind"] == "seal") sealed.push_back(r["epoch"].get<uint64_t>());
  EXPECT_EQ(sealed, (std::vector<uint64_t>{0, 1, 2}));
  EXPECT_EQ(lines.back()["reason"], "close");
  AuditVerification v = VerifyAuditChain({path_}, &key);
  EXPECT_TRUE(v.ok) << v.first_break;
  EXPECT_EQ(v.seals, 3u);
  EXPECT_EQ(v.sealed_through_seq, v.last_seq);
  EXPECT_EQ(v.last_sealed_epoch, 2);
  for (const auto& n : v.notes) EXPECT_EQ(n.find("not sealed"), std::string::npos) << n;
  // The key's text form reads back as the same key.
  auto again = SealVerificationKey::Parse(key.Text() + "\n");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(VerifyAuditChain({path_}, &*again).ok);
}

TEST_F(AuditSealTest, ARewriteWithTheChainRecomputedPassesTheChainButNotTheSeal) {
  const SealVerificationKey key = WriteThreeEpochs();
  Lines lines = Read();
  // What root could do: change an epoch-1 action and recompute every hash and the head.
  const size_t i = IndexOf(lines, [](const auto& r) { return r["kind"] == "action" && r["epoch"] == 1; });
  lines[i]["outcome"] = "nothing happened";
  Rewrite(lines);
  EXPECT_TRUE(VerifyAuditChain({path_}).ok) << "the chain alone cannot see a consistent rewrite";
  AuditVerification v = VerifyAuditChain({path_}, &key);
  ASSERT_FALSE(v.ok);
  EXPECT_NE(v.first_break.find("the seal of epoch 1 does not verify"), std::string::npos) << v.first_break;
}

TEST_F(AuditSealTest, AKeyTakenFromTheNodeLaterCannotResealEarlierEpochs) {
  const SealVerificationKey key = WriteThreeEpochs();
  // The intruder reads the node's current key from the state file.
  auto state = SealState::Open(path_);
  ASSERT_TRUE(state && *state);
  const uint64_t now_epoch = (*state)->epoch();
  ASSERT_GE(now_epoch, 2u);
  Lines lines = Read();
  const size_t i = IndexOf(lines, [](const auto& r) { return r["kind"] == "action" && r["epoch"] == 0; });
  lines[i]["outcome"] = "nothing happened";
  // Re-seal with the stolen key, as epoch 0 (the MAC cannot match: that key is gone) ...
  const size_t seal0 = IndexOf(lines, [](const auto& r) { return r["kind"] == "seal" && r["epoch"] == 0; });
  Lines forged = lines;
  Rewrite(forged);
  forged = Read();
  forged[seal0]["mac"] = (*state)->Mac(forged[seal0]["seq"].get<uint64_t>(), forged[seal0]["prev_hash"].get<std::string>());
  Rewrite(forged);
  AuditVerification v = VerifyAuditChain({path_}, &key);
  ASSERT_FALSE(v.ok);
  EXPECT_NE(v.first_break.find("the seal of epoch 0 does not verify"), std::string::npos) << v.first_break;
  // ... or as its own epoch: the MAC is right, but the records it covers are of epoch 0.
  forged = Read();
  forged[seal0]["epoch"] = now_epoch;
  Rewrite(forged);
  forged = Read();
  forged[seal0]["mac"] = (*state)->Mac(forged[seal0]["seq"].get<uint64_t>(), forged[seal0]["prev_hash"].get<std::string>());
  Rewrite(forged);
  v = VerifyAuditChain({path_}, &key);
  ASSERT_FALSE(v.ok);
  EXPECT_NE(v.first_break.find("covers records"), std::string::npos) << v.first_break;
}

TEST_F(AuditSealTest, ARemovedSealAndTheUnsealedTailAreReported) {
  const SealVerificationKey key = WriteThreeEpochs();
  Lines lines = Read();
  // The seal of epoch 1 removed, the seqs renumbered, the chain recomputed.
  const size_t seal1 = IndexOf(lines, [](const auto& r) { return r["kind"] == "seal" && r["epoch"] == 1; });
  Lines cut(lines.begin(), lines.begin() + static_cast<long>(seal1));
  cut.insert(cut.end(), lines.begin() + static_cast<long>(seal1) + 1, lines.end());
  for (size_t i = 0; i < cut.size(); ++i) cut[i]["seq"] = i + 1;
  Rewrite(cut);
  AuditVerification v = VerifyAuditChain({path_}, &key);
  ASSERT_FALSE(v.ok);
  EXPECT_NE(v.first_break.find("no seal between"), std::string::npos) << v.first_break;

  // A tail after the last seal: accepted, and said.
  Rewrite(lines);
  {
    auto log = Open();  // its start seal, nothing to seal: same epoch or a heartbeat
    ASSERT_TRUE(log->Append({{"kind", "action"}, {"tail", true}}));
    // Killed without closing: no close seal (the writer's memory is dropped as is).
    std::ofstream copy(path_ + ".copy");
    copy << std::ifstream(path_).rdbuf();
  }
  std::filesystem::rename(path_ + ".copy", path_);
  Rewrite(Read());  // the head file, which the close seal moved on
  v = VerifyAuditChain({path_}, &key);
  EXPECT_TRUE(v.ok) << v.first_break;
  bool tail_said = false;
  for (const auto& n : v.notes) tail_said |= n.find("are not sealed yet") != std::string::npos;
  EXPECT_TRUE(tail_said);
}

TEST_F(AuditSealTest, ATamperedSealOfTheWrongShapeIsABreakNotACrash) {
  const SealVerificationKey key = WriteThreeEpochs();
  for (const char* member : {"epoch", "mac", "reason"}) {
    Lines lines = Read();
    const size_t seal = IndexOf(lines, [](const auto& r) { return r["kind"] == "seal"; });
    lines[seal][member] = nlohmann::ordered_json::array({"x"});
    Rewrite(lines);
    AuditVerification v;
    EXPECT_NO_THROW(v = VerifyAuditChain({path_}, &key)) << member;
    EXPECT_FALSE(v.ok) << member;
  }
}

TEST_F(AuditSealTest, AnExportHoldsThePeriodAndAMacOnlyTheKeyMakes) {
  const SealVerificationKey key = WriteThreeEpochs();
  // The period of epoch 1.
  const int64_t from = key.schedule.EpochStart(1), to = key.schedule.EpochEnd(1);
  size_t in_period = 0;
  for (const auto& r : Read())
    if (auto t = ParseRfc3339(r["time"].get<std::string>()); t && *t >= from && *t < to) ++in_period;
  ASSERT_GT(in_period, 0u);
  const std::string out = (dir_ / "export").string();
  auto done = ExportAudit({{path_}, from, to, &key, out});
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->records, in_period);
  EXPECT_EQ(done->summary["verification"]["chain_intact"], true);
  EXPECT_EQ(done->summary["verification"]["seals"], 3);
  EXPECT_TRUE(CheckAuditExport(out, key).ok());
  // The same directory twice: refused.
  EXPECT_FALSE(ExportAudit({{path_}, from, to, &key, out}));
  // Records altered after the export, the summary altered, or another key: each is caught.
  {
    std::ofstream(out + "/records.jsonl", std::ios::app) << "{\"seq\":999}\n";
    EXPECT_FALSE(CheckAuditExport(out, key).ok());
  }
  const std::string out2 = (dir_ / "export2").string();
  ASSERT_TRUE(ExportAudit({{path_}, std::nullopt, std::nullopt, &key, out2}));
  auto other = SealVerificationKey::Parse("riposte-seal-v1 1 900 " + std::string(64, 'a'));
  EXPECT_FALSE(CheckAuditExport(out2, *other).ok());
  // A summary made to say the trail was intact when it was not (valid JSON, MAC kept).
  auto summary = nlohmann::ordered_json::parse(std::ifstream(out2 + "/summary.json"));
  summary["verification"]["notes"] = nlohmann::ordered_json::array({"all good"});
  std::ofstream(out2 + "/summary.json", std::ios::trunc) << summary.dump(2) << "\n";
  EXPECT_FALSE(CheckAuditExport(out2, key).ok());
}

TEST_F(AuditSealTest, TheShippedCopyShowsACutEndAndARewriteSealingCannotSee) {
  (void)WriteThreeEpochs();
  // The collector's copy: every record, one of them twice (a resend).
  const std::string copy = (dir_ / "copy.log").string();
  std::filesystem::copy_file(path_, copy);
  {
    std::ifstream in(path_);
    std::string first;
    std::getline(in, first);
    std::ofstream(copy, std::ios::app) << first << "\n";
  }
  AuditComparison same = CompareAuditTrails({path_}, {copy});
  EXPECT_TRUE(same.ok) << same.finding;
  // The node's end cut consistently (chain and head recomputed): verify cannot tell (the
  // last seals went with it), the copy can.
  Lines lines = Read();
  Lines cut(lines.begin(), lines.end() - 3);
  Rewrite(cut);
  EXPECT_TRUE(VerifyAuditChain({path_}).ok);
  AuditComparison c = CompareAuditTrails({path_}, {copy});
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.only_in_copy, 3u);
  EXPECT_NE(c.finding.find("was cut"), std::string::npos) << c.finding;
  // A record rewritten on the node.
  lines[1]["outcome"] = "nothing happened";
  Rewrite(lines);
  c = CompareAuditTrails({path_}, {copy});
  EXPECT_FALSE(c.ok);
  EXPECT_NE(c.finding.find("seq 2 differs"), std::string::npos) << c.finding;
  // A copy behind the node: the shipping lag, noted, not a fault.
  Rewrite(Read());
  std::vector<std::string> text;
  {
    std::ifstream in(path_);
    for (std::string l; std::getline(in, l);) text.push_back(l);
  }
  std::ofstream behind(copy, std::ios::trunc);
  for (size_t i = 0; i + 2 < text.size(); ++i) behind << text[i] << "\n";
  behind.close();
  c = CompareAuditTrails({path_}, {copy});
  EXPECT_TRUE(c.ok) << c.finding;
  EXPECT_EQ(c.not_shipped_yet, 2u);
}

TEST_F(AuditSealTest, TheStateFileNoLongerHoldsAnEarlierKey) {
  const SealVerificationKey key = WriteThreeEpochs();
  std::ifstream in(SealState::PathFor(path_));
  std::stringstream text;
  text << in.rdbuf();
  auto state = SealState::Open(path_);
  ASSERT_TRUE(state && *state);
  const uint64_t epoch = (*state)->epoch();
  ASSERT_GE(epoch, 2u);
  for (uint64_t e = 0; e < epoch; ++e)
    EXPECT_EQ(text.str().find(key.KeyOf(e).Hex()), std::string::npos) << "the key of epoch " << e << " is still there";
  EXPECT_NE(text.str().find(key.KeyOf(epoch).Hex()), std::string::npos);
  // The file is the owner's only.
  EXPECT_EQ(std::filesystem::status(SealState::PathFor(path_)).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  // A second init of the same trail is refused (the first key would be lost).
  EXPECT_FALSE(SealState::Init(path_, 1, NowNs()));
}

TEST_F(AuditSealTest, BadKeysAndStatesAreRefusedWithAReason) {
  EXPECT_FALSE(SealVerificationKey::Parse(""));
  EXPECT_FALSE(SealVerificationKey::Parse("riposte-seal-v1 1 900 abcd"));
  EXPECT_FALSE(SealVerificationKey::Parse("riposte-seal-v1 1 0 " + std::string(64, 'a')));
  EXPECT_FALSE(SealVerificationKey::Parse("riposte-seal-v1 x 900 " + std::string(64, 'a')));
  EXPECT_FALSE(SealVerificationKey::Parse("riposte-seal-v1 1 900 " + std::string(64, 'g')));
  EXPECT_TRUE(SealVerificationKey::Parse("riposte-seal-v1 1 900 " + std::string(64, 'a')));
  std::ofstream(SealState::PathFor(path_)) << "garbage\n";
  auto log = AuditLog::Open({.path = path_, .host = "test"});
  ASSERT_FALSE(log);
  EXPECT_NE(log.error().message.find("not a riposte sealing state"), std::string::npos) << log.error().message;
}

TEST_F(AuditSealTest, AnUnsealedTrailVerifiesAsBeforeAndTheKeySaysNothingIsProven) {
  {
    auto log = Open();
    ASSERT_TRUE(log->Append({{"kind", "action"}}));
    EXPECT_FALSE(log->sealed());
  }
  EXPECT_TRUE(VerifyAuditChain({path_}).ok);
  auto key = SealVerificationKey::Parse("riposte-seal-v1 1 900 " + std::string(64, 'a'));
  AuditVerification v = VerifyAuditChain({path_}, &*key);
  bool said = false;
  for (const auto& n : v.notes) said |= n.find("no seal record") != std::string::npos;
  EXPECT_TRUE(said);
}

}  // namespace
}  // namespace riposte

namespace riposte {
namespace {

TEST(AuditHeartbeat, AnIdleTrailSaysItIsAlive) {
  const auto dir = std::filesystem::temp_directory_path() / ("rp-heartbeat-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  const std::string path = (dir / "audit.log").string();
  auto log = AuditLog::Open({.path = path, .host = "h", .heartbeat = std::chrono::seconds(1)});
  ASSERT_TRUE(log) << log.error().message;
  ASSERT_TRUE((*log)->Append({{"kind", "action"}}));
  ASSERT_TRUE((*log)->Tick());
  EXPECT_EQ((*log)->last_seq(), 1u) << "not idle yet";
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_TRUE((*log)->Tick());
  EXPECT_EQ((*log)->last_seq(), 2u);
  ASSERT_TRUE((*log)->Tick());
  EXPECT_EQ((*log)->last_seq(), 2u) << "one heartbeat per idle interval";
  log->reset();
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line)) last = line;
  auto rec = nlohmann::json::parse(last);
  EXPECT_EQ(rec["kind"], "heartbeat");
  EXPECT_EQ(rec["interval_s"], 1);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace riposte
