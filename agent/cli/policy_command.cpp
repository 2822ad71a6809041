// `riposte policy validate P...` loads policies and prints every message with its
// position; `riposte policy test --policies P --alert ALERT.json` prints which policies
// an alert matches and the playbook each would run: for tuning and for CI of policies;
// `riposte policy actions` lists the action catalogue (policy/action_catalog.h).
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "policy/policy_matcher.h"
#include "policy/policy_reader.h"
#include "responders/default_responders.h"

namespace riposte {
namespace {

std::string Describe(const ActionStep& s) {
  std::string out = s.id + ": " + s.action;
  if (!s.params.empty()) out += " " + s.params.dump();
  if (!s.when_text.empty()) out += " when (" + s.when_text + ")";
  if (!s.stop_on_failure) out += " on_failure: continue";
  if (s.in_kernel) out += " [in-kernel on " + std::to_string(s.in_kernel->syscalls.size()) + " syscalls]";
  return out;
}

int Validate(const std::vector<std::string>& paths) {
  // Validation only: the directory is never started, so no runtime is contacted.
  ContainerDirectory containers{ContainerDirectoryOptions{}};
  QuarantineStore quarantines{""};  // never written: validation only
  auto registry = MakeDefaultResponders({.containers = &containers, .quarantines = &quarantines});
  auto r = LoadPolicies(paths, *registry);
  for (const auto& m : r.messages) std::cout << m.ToString() << "\n";
  if (!r.ok()) return 1;
  std::cout << "ok: " << r.set->policies.size() << " policies in " << r.set->files.size() << " files\n";
  return 0;
}

int Test(const std::vector<std::string>& paths, const std::vector<std::string>& alert_files, bool dry_run) {
  // Validation only: the directory is never started, so no runtime is contacted.
  ContainerDirectory containers{ContainerDirectoryOptions{}};
  QuarantineStore quarantines{""};  // never written: validation only
  auto registry = MakeDefaultResponders({.containers = &containers, .quarantines = &quarantines});
  auto r = LoadPolicies(paths, *registry);
  for (const auto& m : r.messages) std::cerr << m.ToString() << "\n";
  if (!r.ok()) return 2;
  int rc = 0;
  for (const auto& file : alert_files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      std::cerr << file << ": cannot read the file\n";
      return 2;
    }
    auto json = nlohmann::json::parse(text.str(), nullptr, false);
    if (json.is_discarded()) {
      std::cerr << file << ": not JSON\n";
      return 2;
    }
    auto facts = FactsFromFalcoJson(json, file);
    if (!facts) {
      std::cerr << file << ": " << facts.error().message << "\n";
      return 2;
    }
    std::cout << file << ": rule '" << facts->rule << "' (" << PriorityName(facts->priority) << ")\n";
    auto chosen = SelectPolicies(*r.set, *facts);
    if (chosen.empty()) {
      std::cout << "  no policy matches\n";
      rc = rc ? rc : 3;
    }
    for (const Policy* p : chosen) {
      std::cout << "  policy '" << p->name << "' (" << p->position.ToString() << "), mode "
                << (dry_run ? "dry-run (forced)" : std::string(PolicyModeName(p->mode))) << ":\n";
      for (const auto& s : p->actions) std::cout << "    " << Describe(s) << "\n";
    }
  }
  return rc;
}

// The action catalogue: what a policy step can name, and the parameters each takes.
int ListActions() {
  for (const ActionSpec& a : KnownActions()) {
    std::cout << a.name << "\t" << ActionTargetName(a.target) << (a.changes_node ? "" : "\tleaves the node as it is")
              << (a.in_kernel ? "\tin_kernel allowed" : "") << "\t" << a.dry_run << "\n";
    for (const ActionParam& p : a.params) std::cout << "    " << p.name << ": " << p.meaning << "\n";
  }
  return 0;
}

}  // namespace

void RegisterPolicyCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("policy", "Check response policies");
  AddVersionFlag(*cmd);
  cmd->require_subcommand(1);
  auto paths = std::make_shared<std::vector<std::string>>();
  CLI::App* validate = cmd->add_subcommand("validate", "Load policy files; print every error and warning with file:line:col");
  validate->add_option("policies", *paths, "policy files or directories")->required();
  validate->callback([paths] {
    if (int rc = Validate(*paths); rc != 0) throw CLI::RuntimeError(rc);
  });

  cmd->add_subcommand("actions", "List every action a policy step can name: its target, whether it may run in the kernel, what it does")
      ->callback([] { ListActions(); });

  auto test_paths = std::make_shared<std::vector<std::string>>();
  auto alerts = std::make_shared<std::vector<std::string>>();
  auto dry_run = std::make_shared<bool>(false);
  CLI::App* test = cmd->add_subcommand(
      "test", "Print which policies Falco-format alerts match and the actions they would run (exit 3: an alert matches none)");
  test->add_option("--policies,-p", *test_paths, "policy files or directories")->required();
  test->add_option("--alert,-a", *alerts, "a Falco-format alert JSON file (repeatable)")->required();
  test->add_flag("--dry-run", *dry_run, "show modes as --dry-run would force them");
  test->callback([test_paths, alerts, dry_run] {
    if (int rc = Test(*test_paths, *alerts, *dry_run); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace riposte
