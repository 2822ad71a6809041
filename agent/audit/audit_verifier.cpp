#include "audit/audit_verifier.h"

#include <filesystem>
#include <fstream>
#include <optional>

#include <nlohmann/json.hpp>

#include "audit/audit_records.h"
#include "audit/sha256.h"

namespace riposte {
namespace {

struct Walk {
  AuditVerification result;
  bool have_prev = false;
  uint64_t prev_seq = 0;
  std::string prev_hash;

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

// A whole file, or nothing when it cannot be opened or read. istream::read turns a failed
// read(2) into badbit; an istreambuf_iterator would throw instead.
std::optional<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) text.append(chunk, static_cast<size_t>(in.gcount()));
  if (in.bad()) return std::nullopt;
  return text;
}

void CheckHead(const std::string& file, Walk& walk) {
  if (!std::filesystem::exists(file + ".head")) return;
  auto text = ReadWhole(file + ".head");
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

AuditVerification VerifyAuditChain(const std::vector<std::string>& files) {
  Walk walk;
  for (const auto& file : files) {
    const auto whole = ReadWhole(file);
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
  return walk.result;
}

}  // namespace riposte
