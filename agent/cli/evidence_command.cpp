// `riposte evidence list FILE...`, `show ALERT FILE...`, `export ALERT --out F FILE...`:
// what the evidence steps collected, per alert, read from the audit trail (FILEs, oldest
// first) with each file's hash checked against the record that names it. Exit 1 when a
// file is altered or missing (and, for export, the trail's chain is broken).
#include <iostream>
#include <memory>

#include "audit/audit_verifier.h"
#include "cli/commands.h"
#include "common/json_text.h"
#include "evidence/evidence_index.h"

namespace riposte {
namespace {

struct EvidenceArgs {
  std::vector<std::string> files;
  std::string alert_id;
  std::string out;
  bool json = false;
};

std::map<std::string, AlertEvidence> Index(const EvidenceArgs& a) {
  auto index = IndexEvidence(a.files);
  if (!index) {
    std::cerr << index.error().message << "\n";
    throw CLI::RuntimeError(2);
  }
  return std::move(*index);
}

bool AllGood(const AlertEvidence& a) {
  for (const auto& i : a.items)
    if (i.check == EvidenceCheck::kAltered || i.check == EvidenceCheck::kMissing) return false;
  return true;
}

nlohmann::ordered_json ItemJson(const EvidenceItem& i) {
  nlohmann::ordered_json j{{"action", i.action}, {"policy", i.policy}, {"step", i.step},   {"path", i.path},
                           {"sha256", i.sha256}, {"size", i.size},     {"audit_seq", i.seq}, {"time", i.time},
                           {"check", EvidenceCheckName(i.check)}};
  if (!i.error.empty()) j["error"] = i.error;
  if (!i.details.empty()) j["details"] = i.details;
  return j;
}

const AlertEvidence& Find(const std::map<std::string, AlertEvidence>& index, const std::string& id) {
  auto it = index.find(id);
  if (it == index.end()) {
    std::cerr << "no evidence for alert " << id << " in the trail given\n";
    throw CLI::RuntimeError(2);
  }
  return it->second;
}

}  // namespace

void RegisterEvidenceCommand(CLI::App& app) {
  CLI::App* evidence = app.add_subcommand("evidence", "What the evidence steps collected, checked against the audit trail");
  AddVersionFlag(*evidence);
  evidence->require_subcommand(1);
  auto a = std::make_shared<EvidenceArgs>();

  CLI::App* list = evidence->add_subcommand("list", "Every alert with evidence: each item, its file and whether its hash holds");
  list->add_option("files", a->files, "audit log files, oldest first")->required();
  list->add_flag("--json", a->json, "one JSON object per alert");
  list->callback([a] {
    bool good = true;
    for (const auto& [id, alert] : Index(*a)) {
      good = good && AllGood(alert);
      if (a->json) {
        nlohmann::ordered_json j{{"alert_id", id}, {"rule", alert.rule}, {"time", alert.time}};
        j["items"] = nlohmann::ordered_json::array();
        for (const auto& i : alert.items) j["items"].push_back(ItemJson(i));
        std::cout << JsonText(j) << "\n";
        continue;
      }
      std::cout << id << "  " << alert.time << "  " << alert.rule << "\n";
      for (const auto& i : alert.items)
        std::cout << "  " << EvidenceCheckName(i.check) << "  " << i.action << "  " << i.path
                  << (i.sha256.empty() ? "" : "  sha256:" + i.sha256) << (i.error.empty() ? "" : "  (" + i.error + ")")
                  << "\n";
    }
    if (!good) throw CLI::RuntimeError(1);
  });

  CLI::App* show = evidence->add_subcommand("show", "One alert's evidence in full, as JSON");
  show->add_option("alert", a->alert_id, "the alert id (audit records' alert_id)")->required();
  show->add_option("files", a->files, "audit log files, oldest first")->required();
  show->callback([a] {
    const auto index = Index(*a);
    const AlertEvidence& alert = Find(index, a->alert_id);
    nlohmann::ordered_json j{{"alert_id", alert.alert_id}, {"rule", alert.rule}, {"time", alert.time}};
    j["items"] = nlohmann::ordered_json::array();
    for (const auto& i : alert.items) j["items"].push_back(ItemJson(i));
    std::cout << JsonText(j, 2) << "\n";
    if (!AllGood(alert)) throw CLI::RuntimeError(1);
  });

  CLI::App* exp = evidence->add_subcommand(
      "export", "One alert's evidence as a tar archive: manifest.json, its audit records, and the files");
  exp->add_option("alert", a->alert_id, "the alert id")->required();
  exp->add_option("--out", a->out, "the archive to write (must not exist)")->required();
  exp->add_option("files", a->files, "audit log files, oldest first")->required();
  exp->callback([a] {
    const auto index = Index(*a);
    const AlertEvidence& alert = Find(index, a->alert_id);
    const AuditVerification v = VerifyAuditChain(a->files);
    nlohmann::ordered_json trail{{"files", a->files}, {"chain", v.ok ? "intact" : "broken"},
                                 {"first_seq", v.first_seq}, {"last_seq", v.last_seq}};
    if (!v.ok) trail["first_break"] = v.first_break;
    auto done = ExportEvidence(alert, trail, a->out);
    if (!done) {
      std::cerr << done.error().message << "\n";
      throw CLI::RuntimeError(2);
    }
    std::cout << a->out << ": " << done->files << " files, " << done->bytes << " bytes; trail chain "
              << (v.ok ? "intact" : "BROKEN: " + v.first_break) << (done->all_intact ? "" : "; some items are not intact")
              << "\n";
    if (!v.ok || !done->all_intact) throw CLI::RuntimeError(1);
  });
}

}  // namespace riposte
