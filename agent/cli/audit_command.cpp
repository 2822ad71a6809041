// `riposte audit verify FILE...` checks the hash chain (and, with --key, the seals);
// `riposte audit seal-init LOG` starts sealing a trail; `riposte tune FILE...` summarises
// what each rule and policy did or would have done.
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iostream>

#include "audit/audit_compare.h"
#include "audit/audit_export.h"
#include "audit/audit_seal.h"
#include "common/duration_text.h"
#include "common/safe_file.h"
#include "common/wall_time.h"
#include "common/whole_file.h"

#include <chrono>
#include "audit/audit_summary.h"
#include "audit/audit_verifier.h"
#include "cli/commands.h"

namespace riposte {
namespace {

// The verification key `seal-init` printed, from the file that holds its line.
SealVerificationKey ReadKeyFile(const std::string& path) {
  const auto text = ReadWholeFile(path);
  auto parsed = text ? SealVerificationKey::Parse(*text) : Result<SealVerificationKey>(Error{"cannot read it"});
  if (!parsed) {
    std::cerr << path << ": " << parsed.error().message << "\n";
    throw CLI::RuntimeError(2);
  }
  return *parsed;
}

std::optional<int64_t> TimeFlag(const std::string& text, const char* flag) {
  if (text.empty()) return std::nullopt;
  auto t = ParseRfc3339(text);
  if (!t) {
    std::cerr << flag << ": an RFC 3339 time in UTC, as the records have it (2026-12-06T14:00:00Z)\n";
    throw CLI::RuntimeError(2);
  }
  return t;
}

}  // namespace

void RegisterAuditCommands(CLI::App& app) {
  CLI::App* audit = app.add_subcommand("audit", "Work with the audit trail");
  AddVersionFlag(*audit);
  audit->require_subcommand(1);
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* verify = audit->add_subcommand(
      "verify", "Check the hash chain across FILEs (oldest first: audit.log.2 audit.log.1 audit.log); report the first break");
  verify->add_option("files", *files, "audit log files, oldest first")->required();
  auto key_file = std::make_shared<std::string>();
  verify->add_option("--key", *key_file,
                     "the verification key `riposte audit seal-init` printed (a file holding its line): check every seal too");
  verify->callback([files, key_file] {
    std::optional<SealVerificationKey> key;
    if (!key_file->empty()) key = ReadKeyFile(*key_file);
    AuditVerification v = VerifyAuditChain(*files, key ? &*key : nullptr);
    for (const auto& n : v.notes) std::cout << "note: " << n << "\n";
    if (!v.ok) {
      std::cout << "BROKEN: " << v.first_break << "\n";
      throw CLI::RuntimeError(1);
    }
    std::cout << "ok: " << v.records << " records, seq " << v.first_seq << ".." << v.last_seq
              << ", chain intact\n";
    if (key && v.seals > 0)
      std::cout << "sealed: " << v.seals << " seals verify with the key; records through seq " << v.sealed_through_seq
                << " are sealed (last sealed epoch " << v.last_sealed_epoch << ", ended "
                << FormatRfc3339(key->schedule.EpochEnd(static_cast<uint64_t>(v.last_sealed_epoch))) << ")\n";
    std::string kinds;
    for (const auto& [kind, n] : v.per_kind) kinds += (kinds.empty() ? "" : ", ") + kind + " " + std::to_string(n);
    if (!kinds.empty()) std::cout << "kinds: " << kinds << "\n";
  });

  auto init = std::make_shared<std::tuple<std::string, std::string, std::string>>("", "15m", "");
  CLI::App* seal_init = audit->add_subcommand(
      "seal-init", "Start sealing the trail at LOG: prints, once, the verification key to keep off this node");
  seal_init->add_option("log", std::get<0>(*init), "the audit log (its sealing state goes to LOG.seal)")->required();
  seal_init->add_option("--epoch", std::get<1>(*init), "how long each sealing key lives (default 15m)");
  seal_init->add_option("--key-file", std::get<2>(*init), "also write the verification key to this new file (0600)");
  seal_init->callback([init] {
    const auto& [log, epoch_text, key_path] = *init;
    auto epoch = ParseDuration(epoch_text);
    if (!epoch || epoch->count() < 1000 || epoch->count() % 1000 != 0) {
      std::cerr << "--epoch: whole seconds, at least 1s (\"15m\", \"1h\")\n";
      throw CLI::RuntimeError(2);
    }
    // A running writer would go on unsealed until restarted: refuse while one holds the log.
    struct stat st {};
    if (lstat((log + ".head").c_str(), &st) == 0) {
      auto head = OpenFileForWriting(log + ".head", WriteMode::kUpdate, 0600, false);
      if (!head || flock(head->get(), LOCK_EX | LOCK_NB) != 0) {
        std::cerr << log << " is being written (a riposte agent holds it): stop it, seal-init, start it again\n";
        throw CLI::RuntimeError(2);
      }
    }
    if (!key_path.empty() && lstat(key_path.c_str(), &st) == 0) {
      std::cerr << key_path << " exists: the key file must be new\n";
      throw CLI::RuntimeError(2);
    }
    const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    auto key = SealState::Init(log, epoch->count() / 1000, now);
    if (!key) {
      std::cerr << key.error().message << "\n";
      throw CLI::RuntimeError(2);
    }
    const std::string line = key->Text();
    if (!key_path.empty()) {
      auto fd = OpenFileForWriting(key_path, WriteMode::kTruncate, 0600);
      const std::string text = line + "\n";
      if (!fd || write(fd->get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()) || fsync(fd->get()) != 0) {
        std::cerr << key_path << ": cannot write the key: it is printed below, keep it\n";
      }
    }
    std::cout << "sealing " << log << " every " << epoch_text << "; its state is in " << SealState::PathFor(log) << "\n"
              << "verification key (shown once; keep it OFF this node; `riposte audit verify --key FILE` needs it):\n"
              << line << "\n";
  });

  struct ExportFlags {
    std::vector<std::string> files;
    std::string out, key, from, to;
  };
  auto ex = std::make_shared<ExportFlags>();
  CLI::App* exp = audit->add_subcommand(
      "export", "Write a period's records, the verification of the trail and a summary (MAC'd with --key) to a new directory");
  exp->add_option("files", ex->files, "audit log files, oldest first")->required();
  exp->add_option("--out", ex->out, "the directory to create")->required();
  exp->add_option("--key", ex->key, "the verification key: seals checked, summary MAC'd");
  exp->add_option("--from", ex->from, "first record time (RFC 3339, UTC)");
  exp->add_option("--to", ex->to, "records before this time (RFC 3339, UTC)");
  exp->callback([ex] {
    std::optional<SealVerificationKey> key;
    if (!ex->key.empty()) key = ReadKeyFile(ex->key);
    AuditExportRequest request{ex->files, TimeFlag(ex->from, "--from"), TimeFlag(ex->to, "--to"), key ? &*key : nullptr,
                               ex->out};
    auto done = ExportAudit(request);
    if (!done) {
      std::cerr << done.error().message << "\n";
      throw CLI::RuntimeError(2);
    }
    const auto& v = done->summary["verification"];
    std::cout << "exported " << done->records << " records to " << ex->out << " (records.jsonl, summary.json"
              << (key ? ", MAC'd with the key" : "") << "); trail "
              << (v["chain_intact"].get<bool>() ? "intact" : "BROKEN: " + v["first_break"].get<std::string>()) << "\n";
    if (!v["chain_intact"].get<bool>()) throw CLI::RuntimeError(1);
  });
  auto check = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* chk = audit->add_subcommand("check-export", "Check an export's records against its summary and the summary's MAC");
  chk->add_option("dir", check->first, "the export's directory")->required();
  chk->add_option("--key", check->second, "the verification key it was exported with")->required();
  chk->callback([check] {
    const SealVerificationKey key = ReadKeyFile(check->second);
    if (auto st = CheckAuditExport(check->first, key); !st) {
      std::cout << "BROKEN: " << st.error().message << "\n";
      throw CLI::RuntimeError(1);
    }
    std::cout << "ok: the summary's MAC verifies and records.jsonl is the one it names\n";
  });

  auto cmp = std::make_shared<std::pair<std::vector<std::string>, std::vector<std::string>>>();
  CLI::App* compare = audit->add_subcommand(
      "compare", "Compare the node's trail with a copy shipped off the node: rewritten records, a cut end, a new trail");
  compare->add_option("files", cmp->first, "the node's audit log files, oldest first")->required();
  compare->add_option("--copy", cmp->second, "the collector's copy, oldest first (one record per line)")->required();
  compare->callback([cmp] {
    const AuditComparison c = CompareAuditTrails(cmp->first, cmp->second);
    for (const auto& n : c.notes) std::cout << "note: " << n << "\n";
    if (!c.ok) {
      std::cout << "DIFFERENT: " << c.finding << "\n";
      throw CLI::RuntimeError(1);
    }
    std::cout << "ok: " << c.compared << " records the same on the node and in the copy (node to seq " << c.node_last
              << ", copy to seq " << c.copy_last << ")\n";
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
