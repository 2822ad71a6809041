// `riposte audit verify FILE...` checks the hash chain; `riposte tune FILE...` summarises
// what each rule and policy did or would have done.
#include <iostream>

#include "audit/audit_summary.h"
#include "audit/audit_verifier.h"
#include "cli/commands.h"

namespace riposte {

void RegisterAuditCommands(CLI::App& app) {
  CLI::App* audit = app.add_subcommand("audit", "Work with the audit trail");
  AddVersionFlag(*audit);
  audit->require_subcommand(1);
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* verify = audit->add_subcommand(
      "verify", "Check the hash chain across FILEs (oldest first: audit.log.2 audit.log.1 audit.log); report the first break");
  verify->add_option("files", *files, "audit log files, oldest first")->required();
  verify->callback([files] {
    AuditVerification v = VerifyAuditChain(*files);
    for (const auto& n : v.notes) std::cout << "note: " << n << "\n";
    if (!v.ok) {
      std::cout << "BROKEN: " << v.first_break << "\n";
      throw CLI::RuntimeError(1);
    }
    std::cout << "ok: " << v.records << " records, seq " << v.first_seq << ".." << v.last_seq
              << ", chain intact\n";
    std::string kinds;
    for (const auto& [kind, n] : v.per_kind) kinds += (kinds.empty() ? "" : ", ") + kind + " " + std::to_string(n);
    if (!kinds.empty()) std::cout << "kinds: " << kinds << "\n";
  });

  auto tune_files = std::make_shared<std::vector<std::string>>();
  CLI::App* tune = app.add_subcommand("tune", "Summarise per rule and policy what fired and what was (or would have been) done");
  AddVersionFlag(*tune);
  tune->add_option("files", *tune_files, "audit log files")->required();
  tune->callback([tune_files] {
    auto s = SummarizeAudit(*tune_files);
    if (!s) {
      std::cerr << s.error().message << "\n";
      throw CLI::RuntimeError(2);
    }
    std::cout << FormatAuditSummary(*s);
  });
}

}  // namespace riposte
