#include "audit/audit_export.h"

#include <sys/stat.h>

#include <map>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "audit/audit_records.h"
#include "audit/audit_verifier.h"
#include "audit/sha256.h"
#include "common/atomic_file.h"
#include "common/wall_time.h"
#include "common/whole_file.h"

namespace riposte {
namespace {

// The summary's MAC: HMAC-SHA-256 under HMAC(first key, "export"), over the summary's
// compact JSON without its "mac" member.
std::string SummaryMac(const SealVerificationKey& key, const nlohmann::ordered_json& summary) {
  nlohmann::ordered_json body = summary;
  body.erase("mac");
  const std::string text = body.dump();
  static constexpr std::string_view kLabel = "riposte audit export";
  unsigned char derived[EVP_MAX_MD_SIZE], mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0, m = 0;
  HMAC(EVP_sha256(), key.first.bytes().data(), static_cast<int>(key.first.bytes().size()),
       reinterpret_cast<const unsigned char*>(kLabel.data()), kLabel.size(), derived, &n);
  HMAC(EVP_sha256(), derived, static_cast<int>(n), reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac,
       &m);
  return HexOf(mac, m);
}


}  // namespace

Result<AuditExportResult> ExportAudit(const AuditExportRequest& r) {
  if (r.files.empty()) return Error{"audit export: no files"};
  struct stat st {};
  if (lstat(r.out_dir.c_str(), &st) == 0) return Error{r.out_dir + " exists: an export goes to a new directory"};
  if (mkdir(r.out_dir.c_str(), 0700) != 0) return Error{r.out_dir + ": cannot create it"};

  const AuditVerification v = VerifyAuditChain(r.files, r.key);
  std::string records;
  AuditExportResult out;
  std::map<std::string, uint64_t> kinds;
  uint64_t first_seq = 0, last_seq = 0;
  for (const auto& file : r.files) {
    auto text = ReadWholeFile(file);
    if (!text) return Error{file + ": cannot read it"};
    size_t pos = 0;
    while (pos < text->size()) {
      size_t nl = text->find('\n', pos);
      if (nl == std::string::npos) break;  // a torn tail: verify says so in the summary
      const std::string line = text->substr(pos, nl - pos);
      pos = nl + 1;
      auto rec = nlohmann::json::parse(line, nullptr, false);
      if (rec.is_discarded() || !rec.is_object()) continue;
      const auto time = rec.contains("time") && rec["time"].is_string() ? ParseRfc3339(rec["time"].get<std::string>())
                                                                        : std::nullopt;
      if (!time || (r.from_ns && *time < *r.from_ns) || (r.to_ns && *time >= *r.to_ns)) continue;
      records += line + "\n";
      ++out.records;
      const auto kind = KindOf(rec);
      ++kinds[kind ? std::string(AuditKindName(*kind)) : "unknown"];
      const uint64_t seq = rec.contains("seq") && rec["seq"].is_number_unsigned() ? rec["seq"].get<uint64_t>() : 0;
      if (!first_seq) first_seq = seq;
      last_seq = seq;
    }
  }
  if (auto st = WriteFileAtomically(r.out_dir + "/records.jsonl", records); !st) return st.error();

  nlohmann::ordered_json& s = out.summary;
  s["format"] = "riposte-audit-export-v1";
  s["files"] = r.files;
  s["period"] = {{"from", r.from_ns ? nlohmann::ordered_json(FormatRfc3339(*r.from_ns)) : nullptr},
                 {"to", r.to_ns ? nlohmann::ordered_json(FormatRfc3339(*r.to_ns)) : nullptr}};
  s["records"] = out.records;
  s["seq"] = {{"first", first_seq}, {"last", last_seq}};
  s["kinds"] = kinds;
  s["records_sha256"] = Sha256Hex(records);
  nlohmann::ordered_json verification{{"chain_intact", v.ok},
                                      {"first_break", v.ok ? nullptr : nlohmann::ordered_json(v.first_break)},
                                      {"notes", v.notes},
                                      {"trail_records", v.records},
                                      {"trail_seq", {{"first", v.first_seq}, {"last", v.last_seq}}}};
  if (r.key) {
    verification["seals_checked"] = true;
    verification["seals"] = v.seals;
    verification["sealed_through_seq"] = v.sealed_through_seq;
  } else {
    verification["seals_checked"] = false;
  }
  s["verification"] = verification;
  if (r.key) s["mac"] = SummaryMac(*r.key, s);
  if (auto st = WriteFileAtomically(r.out_dir + "/summary.json", s.dump(2) + "\n"); !st) return st.error();
  return out;
}

Status CheckAuditExport(const std::string& dir, const SealVerificationKey& key) {
  auto summary_text = ReadWholeFile(dir + "/summary.json");
  auto records = ReadWholeFile(dir + "/records.jsonl");
  if (!summary_text || !records) return Error{dir + ": not an export (summary.json and records.jsonl)"};
  auto summary = nlohmann::ordered_json::parse(*summary_text, nullptr, false);
  if (summary.is_discarded() || !summary.is_object() || !summary.contains("mac") || !summary["mac"].is_string())
    return Error{dir + "/summary.json: no MAC (exported without the key?)"};
  if (SummaryMac(key, summary) != summary["mac"].get<std::string>())
    return Error{dir + "/summary.json: the MAC does not verify: the summary was altered, or another key made it"};
  if (!summary.contains("records_sha256") || summary["records_sha256"] != Sha256Hex(*records))
    return Error{dir + "/records.jsonl: its SHA-256 is not the one the summary names: the records were altered"};
  return Status::Ok();
}

}  // namespace riposte
