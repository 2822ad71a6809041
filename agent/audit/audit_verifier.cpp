#include "audit/audit_verifier.h"

#include <filesystem>
#include <fstream>
#include <climits>
#include <optional>

#include <nlohmann/json.hpp>

#include "audit/audit_records.h"
#include "audit/sha256.h"
#include "common/wall_time.h"
#include "common/whole_file.h"

namespace riposte {
namespace {

// What a key lets verify check beyond the chain.
struct SealCheck {
  const SealVerificationKey& key;
  int64_t last_epoch = -1;          // of the last good seal
  std::string last_reason;
  SealKey derived;                   // the key of epoch `derived_epoch`
  uint64_t derived_epoch = 0;
  // Records since the last seal: the epochs they are in, and the first of them.
  struct Pending {
    int64_t min = INT64_MAX, max = INT64_MIN;
    uint64_t first_seq = 0, count = 0, before_key = 0;
    std::string first_place;
  } pending;

  explicit SealCheck(const SealVerificationKey& k) : key(k), derived(k.first) {}
  const SealKey& KeyOf(uint64_t epoch) {
    for (; derived_epoch < epoch; ++derived_epoch) derived = NextSealKey(derived);
    return derived;
  }
};

struct Walk {
  AuditVerification result;
  bool have_prev = false;
  uint64_t prev_seq = 0;
  std::string prev_hash;
  std::optional<SealCheck> seals;

  // The seal checks of one record (the chain checks have passed); false on a break.
  bool CheckSeal(const std::string& file, size_t line_no, const nlohmann::json& rec, uint64_t seq,
                 const std::string& link) {
    SealCheck& c = *seals;
    const std::string place = file + ":" + std::to_string(line_no);
    if (KindOf(rec) != AuditKind::kSeal) {
      auto time = rec.contains("time") && rec["time"].is_string() ? ParseRfc3339(rec["time"].get<std::string>())
                                                                  : std::nullopt;
      if (!time) {
        Break(file, line_no, "record without a readable time: it cannot be placed in an epoch");
        return false;
      }
      const int64_t epoch = c.key.schedule.EpochOf(*time);
      if (c.pending.count++ == 0) {
        c.pending.first_seq = seq;
        c.pending.first_place = place;
      }
      if (epoch < 0) {
        ++c.pending.before_key;  // written before the trail was sealed
        return true;
      }
      c.pending.min = std::min(c.pending.min, epoch);
      c.pending.max = std::max(c.pending.max, epoch);
      // The writer seals an epoch before it writes a record of the next: records of two
      // epochs with no seal between them mean the seal was removed.
      if (c.pending.max > c.pending.min) {
        Break(file, line_no, "records of epoch " + std::to_string(c.pending.min) + " (from seq " +
                                 std::to_string(c.pending.first_seq) + ") are followed by records of epoch " +
                                 std::to_string(c.pending.max) +
                                 " with no seal between: a seal was removed, or the records were rewritten");
        return false;
      }
      return true;
    }
    ++result.seals;
    // A tampered seal may hold anything: its members are checked before they are read.
    if (!rec.contains("epoch") || !rec["epoch"].is_number_unsigned() || !rec.contains("mac") || !rec["mac"].is_string()) {
      Break(file, line_no, "seal record without epoch or mac");
      return false;
    }
    const uint64_t epoch = rec["epoch"].get<uint64_t>();
    const std::string mac = rec["mac"].get<std::string>();
    if (static_cast<int64_t>(epoch) < c.last_epoch) {
      Break(file, line_no, "seal of epoch " + std::to_string(epoch) + " after the seal of epoch " +
                               std::to_string(c.last_epoch) + ": seals go forward only");
      return false;
    }
    if (SealMac(c.KeyOf(epoch), epoch, seq, link) != mac) {
      Break(file, line_no, "the seal of epoch " + std::to_string(epoch) +
                               " does not verify: the records it covers (up to seq " + std::to_string(seq - 1) +
                               ") were rewritten, or the seal was forged");
      return false;
    }
    // Every record it covers is of its epoch.
    const bool later = c.pending.max > static_cast<int64_t>(epoch);
    // Only the first seal may cover records from before the key (a trail sealed mid-way).
    const bool earlier = (c.pending.min != INT64_MAX && c.pending.min < static_cast<int64_t>(epoch)) ||
                         (c.last_epoch >= 0 && c.pending.before_key > 0);
    if (c.pending.count > 0 && (later || earlier)) {
      Break(file, line_no, "the seal of epoch " + std::to_string(epoch) + " covers records from seq " +
                               std::to_string(c.pending.first_seq) + " (" + c.pending.first_place +
                               ") that are not all of it (epochs " +
                               (c.pending.before_key ? std::string("before the key, ") : std::string()) +
                               (c.pending.max >= 0 ? std::to_string(c.pending.min) + ".." + std::to_string(c.pending.max)
                                                   : std::string("none")) +
                               ")" +
                               ": records were backdated, moved or forged with a later key");
      return false;
    }
    const std::string reason = rec.contains("reason") && rec["reason"].is_string() ? rec["reason"].get<std::string>() : "";
    if (c.last_epoch >= 0 && static_cast<int64_t>(epoch) > c.last_epoch + 1)
      result.notes.push_back(place + ": no seal for epoch" +
                             (static_cast<int64_t>(epoch) > c.last_epoch + 2
                                  ? "s " + std::to_string(c.last_epoch + 1) + ".." + std::to_string(epoch - 1)
                                  : " " + std::to_string(c.last_epoch + 1)) +
                             (c.last_reason == "close"
                                  ? ": the writer was closed before them (the agent was stopped)"
                                  : ": the writer was not closed before them: it died, or records were removed there "
                                    "(compare with a copy shipped off the node)"));
    c.last_epoch = static_cast<int64_t>(epoch);
    c.last_reason = reason;
    c.pending = {};
    result.sealed_through_seq = seq;
    result.last_sealed_epoch = c.last_epoch;
    return true;
  }

  void Break(const std::string& file, size_t line, const std::string& what) {
    result.ok = false;
    result.first_break = file + ":" + std::to_string(line) + ": " + what;
  }
  // A break the head file shows (no line of the log holds it).
  void BreakAtHead(const std::string& file, const std::string& what) {
    result.ok = false;
    result.first_break = file + ".head: " + what;
  }

  // One complete line; false once the chain is broken.
  bool Check(const std::string& file, size_t line_no, const std::string& line) {
    auto rec = nlohmann::json::parse(line, nullptr, false);
    if (rec.is_discarded() || !rec.is_object()) {
      Break(file, line_no, "not a JSON record (altered or damaged)");
      return false;
    }
    if (!rec.contains("seq") || !rec["seq"].is_number_unsigned() || !rec.contains("prev_hash") ||
        !rec["prev_hash"].is_string()) {
      Break(file, line_no, "record without seq or prev_hash");
      return false;
    }
    const uint64_t seq = rec["seq"].get<uint64_t>();
    const std::string link = rec["prev_hash"].get<std::string>();
    if (!have_prev) {
      result.first_seq = seq;
      if (seq == 1 && link != kChainOrigin) {
        Break(file, line_no, "the first record of the chain does not start from the origin hash");
        return false;
      }
      if (seq != 1)
        result.notes.push_back(file + ":" + std::to_string(line_no) + ": the chain starts at seq " +
                               std::to_string(seq) + " (earlier files not given): its first link is not checked");
    } else {
      if (seq != prev_seq + 1) {
        Break(file, line_no, "seq " + std::to_string(seq) + " follows seq " + std::to_string(prev_seq) +
                                 ": records were removed, inserted or reordered");
        return false;
      }
      if (link != prev_hash) {
        Break(file, line_no, "prev_hash does not match the record before it (seq " + std::to_string(prev_seq) +
                                 "): that record was altered, or this one was put in its place");
        return false;
      }
    }
    if (seals && !CheckSeal(file, line_no, rec, seq, link)) return false;
    have_prev = true;
    prev_seq = seq;
    prev_hash = Sha256Hex(line);
    ++result.records;
    result.last_seq = seq;
    const auto kind = KindOf(rec);
    ++result.per_kind[kind ? std::string(AuditKindName(*kind)) : "unknown"];
    return true;
  }
};


void CheckHead(const std::string& file, Walk& walk) {
  if (!std::filesystem::exists(file + ".head")) return;
  auto text = ReadWholeFile(file + ".head");
  auto head = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json(nlohmann::json::value_t::discarded);
  if (head.is_discarded() || !head.is_object() || !head.contains("seq") || !head["seq"].is_number_unsigned() ||
      !head.contains("hash") || !head["hash"].is_string()) {
    walk.result.notes.push_back(file + ".head: unreadable, not compared");
    return;
  }
  uint64_t seq = head["seq"].get<uint64_t>();
  std::string hash = head["hash"].get<std::string>();
  if (seq > walk.prev_seq) {
    walk.BreakAtHead(file, "truncated: the log ends at seq " + std::to_string(walk.prev_seq) +
                               " but its head file records seq " + std::to_string(seq));
  } else if (seq == walk.prev_seq && hash != walk.prev_hash) {
    walk.BreakAtHead(file, "the last record (seq " + std::to_string(seq) + ") differs from the one the head file records");
  } else if (seq < walk.prev_seq) {
    walk.result.notes.push_back(file + ".head: records seq " + std::to_string(seq) + ", behind the log's " +
                                std::to_string(walk.prev_seq) + " (a power loss before the head was written back)");
  }
}

}  // namespace

AuditVerification VerifyAuditChain(const std::vector<std::string>& files, const SealVerificationKey* key) {
  Walk walk;
  if (key) walk.seals.emplace(*key);
  for (const auto& file : files) {
    const auto whole = ReadWholeFile(file);
    if (!whole) {
      walk.Break(file, 0, "cannot read the file");
      return walk.result;
    }
    const std::string& text = *whole;
    size_t pos = 0, line_no = 0;
    while (pos < text.size()) {
      ++line_no;
      size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) {
        walk.Break(file, line_no, "truncated inside a record (no end of line)");
        return walk.result;
      }
      if (!walk.Check(file, line_no, text.substr(pos, nl - pos))) return walk.result;
      pos = nl + 1;
    }
  }
  if (!files.empty() && walk.have_prev) CheckHead(files.back(), walk);
  if (walk.result.records == 0 && walk.result.ok) walk.result.notes.push_back("no records");
  if (walk.seals && walk.result.ok) {
    const SealCheck& c = *walk.seals;
    if (walk.result.seals == 0)
      walk.result.notes.push_back("no seal record: nothing here is proven by the key (was the trail sealed?)");
    if (c.pending.count > 0)
      walk.result.notes.push_back("seq " + std::to_string(c.pending.first_seq) + ".." +
                                  std::to_string(walk.result.last_seq) + " (" + std::to_string(c.pending.count) +
                                  " records from " + c.pending.first_place +
                                  ") are not sealed yet: the current epoch, proven only by the chain");
  }
  return walk.result;
}

}  // namespace riposte
