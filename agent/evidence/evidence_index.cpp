#include "evidence/evidence_index.h"

#include <sys/stat.h>

#include <chrono>
#include <fstream>

#include "audit/sha256.h"
#include "common/json_text.h"
#include "common/safe_file.h"
#include "common/siem_schema.h"
#include "common/wall_time.h"
#include "evidence/tar_writer.h"

namespace riposte {
namespace {

using Json = nlohmann::ordered_json;

bool IsEvidenceAction(const std::string& action) {
  return action == "capture" || action == "evidence.process" || action == "evidence.file" ||
         action == "evidence.container";
}

void Check(EvidenceItem& item) {
  if (item.check == EvidenceCheck::kFailed || item.check == EvidenceCheck::kPending) return;
  struct stat st {};
  if (lstat(item.path.c_str(), &st) != 0) {
    item.check = EvidenceCheck::kMissing;
    return;
  }
  auto digest = DigestPath(item.path);
  if (!digest) {
    item.check = EvidenceCheck::kMissing;
    item.error = digest.error().message;
    return;
  }
  item.check = digest->sha256 == item.sha256 ? EvidenceCheck::kIntact : EvidenceCheck::kAltered;
  if (item.check == EvidenceCheck::kAltered) item.error = "sha256 on disk is " + digest->sha256;
}

std::string Basename(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string_view EvidenceCheckName(EvidenceCheck c) {
  switch (c) {
    case EvidenceCheck::kIntact: return "intact";
    case EvidenceCheck::kAltered: return "altered";
    case EvidenceCheck::kMissing: return "missing";
    case EvidenceCheck::kPending: return "pending";
    case EvidenceCheck::kFailed: return "failed";
  }
  return "failed";
}

Result<std::map<std::string, AlertEvidence>> IndexEvidence(const std::vector<std::string>& files) {
  std::map<std::string, AlertEvidence> alerts;
  for (const auto& file : files) {
    std::ifstream in(file);
    if (!in) return Error{file + ": cannot be read"};
    std::string line;
    for (size_t n = 1; std::getline(in, line); ++n) {
      auto r = nlohmann::json::parse(line, nullptr, false);
      if (r.is_discarded() || !r.is_object()) return Error{file + ":" + std::to_string(n) + ": not a JSON record"};
      const std::string alert_id = TextOf(r, "alert_id");
      if (alert_id.empty()) continue;
      AlertEvidence& a = alerts[alert_id];
      a.alert_id = alert_id;
      if (a.rule.empty()) a.rule = TextOf(r, "rule");
      if (a.time.empty()) a.time = TextOf(r, "time");
      a.records.push_back(r);
      const std::string kind = TextOf(r, "kind");
      const std::string action = TextOf(r, "action");
      const uint64_t seq = r.value("seq", uint64_t{0});
      if (kind == "action" && TextOf(r, "phase") == "result" && IsEvidenceAction(action)) {
        const std::string outcome = TextOf(r, "outcome");
        if (outcome != "done" && outcome != "failed") continue;  // dry-run, skipped: nothing collected
        EvidenceItem item;
        item.action = action;
        item.policy = TextOf(r, "policy");
        item.step = TextOf(r, "step");
        item.seq = seq;
        item.time = TextOf(r, "time");
        const nlohmann::json details = r.value("details", nlohmann::json::object());
        item.path = TextOf(details, "path");
        item.details = details;
        if (outcome == "failed") {
          item.check = EvidenceCheck::kFailed;
          item.error = TextOf(r, "error");
        } else if (action == "capture") {
          item.check = EvidenceCheck::kPending;  // until its evidence record
        } else {
          item.sha256 = TextOf(details, "sha256");
          item.size = details.value("size", uint64_t{0});
          item.check = EvidenceCheck::kIntact;  // checked below
        }
        a.items.push_back(std::move(item));
      } else if (kind == "evidence") {
        const std::string path = TextOf(r, "path");
        auto it = std::find_if(a.items.begin(), a.items.end(),
                               [&](const EvidenceItem& i) { return i.action == "capture" && i.path == path; });
        if (it == a.items.end()) {
          a.items.push_back(EvidenceItem{});
          it = std::prev(a.items.end());
          it->action = "capture";
          it->path = path;
          it->policy = TextOf(r, "policy");
          it->step = TextOf(r, "step");
        }
        it->seq = seq;
        it->time = TextOf(r, "time");
        it->sha256 = TextOf(r, "sha256");
        it->size = r.value("size", uint64_t{0});
        for (const char* k : {"scope", "events", "processes", "first", "last", "truncated", "cut_short"})
          if (r.contains(k)) it->details[k] = r[k];
        if (r.contains("error")) {
          it->check = EvidenceCheck::kFailed;
          it->error = TextOf(r, "error");
        } else {
          it->check = EvidenceCheck::kIntact;  // checked below
        }
      }
    }
  }
  std::map<std::string, AlertEvidence> out;
  for (auto& [id, a] : alerts) {
    if (a.items.empty()) continue;
    for (auto& item : a.items) Check(item);
    out.emplace(id, std::move(a));
  }
  return out;
}

Result<EvidenceExport> ExportEvidence(const AlertEvidence& alert, const Json& trail_check, const std::string& out) {
  auto fd = OpenFileForWriting(out, WriteMode::kCreateNew, 0600, /*create_dirs=*/false);
  if (!fd) return fd.error();
  const int64_t now = WallNowNs() / 1000000000;
  TarWriter tar(fd->get());
  EvidenceExport result;
  Json items = Json::array();
  std::vector<std::pair<std::string, const EvidenceItem*>> to_copy;
  for (size_t i = 0; i < alert.items.size(); ++i) {
    const EvidenceItem& item = alert.items[i];
    Json j{{"action", item.action}, {"policy", item.policy}, {"step", item.step}, {"path", item.path},
           {"sha256_recorded", item.sha256}, {"size", item.size}, {"audit_seq", item.seq}, {"time", item.time},
           {"check", EvidenceCheckName(item.check)}};
    if (!item.error.empty()) j["error"] = item.error;
    if (!item.details.empty()) j["details"] = item.details;
    if (item.check == EvidenceCheck::kIntact || item.check == EvidenceCheck::kAltered) {
      const std::string name = "files/" + std::to_string(i + 1) + "-" + Basename(item.path).substr(0, 80);
      j["archived_as"] = name;
      to_copy.emplace_back(name, &item);
    }
    if (item.check != EvidenceCheck::kIntact) result.all_intact = false;
    items.push_back(std::move(j));
  }
  Json manifest{{"riposte_evidence", 1},
                {"alert_id", alert.alert_id},
                {"rule", alert.rule},
                {"time", alert.time},
                {"trail", trail_check},
                {"items", std::move(items)}};
  if (auto st = tar.Add("manifest.json", JsonText(manifest, 2) + "\n", now); !st) return st.error();
  std::string records;
  for (const auto& r : alert.records) records += JsonText(r) + "\n";
  if (auto st = tar.Add("records.jsonl", records, now); !st) return st.error();
  for (const auto& [name, item] : to_copy) {
    auto src = OpenFileForReading(item->path);
    if (!src) return src.error();
    struct stat st {};
    if (fstat(src->get(), &st) != 0) return Error{item->path + ": stat failed"};
    if (auto s = tar.AddFile(name, src->get(), static_cast<uint64_t>(st.st_size), st.st_mtim.tv_sec); !s)
      return s.error();
    ++result.files;
    result.bytes += static_cast<uint64_t>(st.st_size);
  }
  if (auto st = tar.Finish(); !st) return st.error();
  if (fsync(fd->get()) != 0) return Error{out + ": fsync failed"};
  return result;
}

}  // namespace riposte
