// `riposte rules validate|list` and `riposte fields`: the rule engine from the command line.
#include <cstdio>
#include <memory>
#include <set>

#include "cli/commands.h"
#include "decode/event.h"
#include "kernel/syscall_table.h"
#include "rules/kernel_filter_derivation.h"
#include "rules/rule_set.h"

namespace riposte {
namespace {

// Errors always; warnings and notes (such as a plugin requirement met natively) unless quiet.
void PrintMessages(const RuleSet& set, bool warnings) {
  for (const auto& m : set.messages())
    if (m.severity == Severity::kError || warnings) std::printf("%s\n", m.ToString().c_str());
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

}  // namespace

void RegisterRulesCommand(CLI::App& app) {
  CLI::App* rules = app.add_subcommand("rules", "Validate and list Falco-compatible rule files");
  AddVersionFlag(*rules);
  rules->require_subcommand(1);

  auto files = std::make_shared<std::vector<std::string>>();
  auto quiet = std::make_shared<bool>(false);
  CLI::App* validate = rules->add_subcommand("validate", "Load rule files; print every error and warning as file:line:col");
  AddVersionFlag(*validate);
  validate->add_option("files", *files, "rule files or directories, loaded in order")->required();
  validate->add_flag("--no-warnings", *quiet, "print errors only");
  validate->callback([files, quiet] {
    auto set = RuleSet::Load(*files);
    PrintMessages(*set, !*quiet);
    const auto& s = set->stats();
    std::printf("%s: %zu files, %zu rules (%zu enabled, %zu compiled), %zu macros, %zu lists\n",
                set->has_errors() ? "invalid" : "ok", s.files, s.rules, s.enabled_rules, s.compiled_rules,
                s.macros, s.lists);
    if (set->has_errors()) throw CLI::RuntimeError(1);
  });

  auto kf_files = std::make_shared<std::vector<std::string>>();
  CLI::App* kf = rules->add_subcommand(
      "kernel-filter", "What the kernel will leave out for these rules: per open syscall, the path sets and "
                       "classes it sends, or why it sends every record");
  AddVersionFlag(*kf);
  kf->add_option("files", *kf_files, "rule files or directories")->required();
  kf->callback([kf_files] {
    auto set = RuleSet::Load(*kf_files);
    PrintMessages(*set, false);
    if (set->has_errors()) throw CLI::RuntimeError(1);
    auto captured = CapturedSyscallsForRules(*set);
    auto d = DeriveRecordFilter(*set, captured);
    for (const auto& note : d.notes) std::printf("%s\n", note.c_str());
    for (const auto& [name, f] : d.plan.open) {
      std::printf("%s: filtered: %zu of %d classes sent whatever the path and process; %zu clauses:\n", name.c_str(),
                  f.any_path.count(), RP_OPEN_CLASSES, f.clauses.size());
      for (const auto& c : f.clauses) {
        std::string paths = "any path", names = "any process";
        if (c.paths) {
          paths.clear();
          for (const auto& p : *c.paths) {
            bool exact = !p.empty() && p.back() == '\0';
            paths += (paths.empty() ? "" : " ") + (exact ? "=" + p.substr(0, p.size() - 1) : p + "*");
          }
        }
        if (c.names) {
          names = "proc.name in (";
          for (const auto& n : *c.names) names += (names.back() == '(' ? "" : ",") + n;
          names += ")";
        }
        std::printf("  %zu classes, %s; %s\n", c.classes.count(), names.c_str(), paths.c_str());
      }
    }
    std::printf("close: %s\n", d.plan.close_untracked ? "only for fds userspace was told of" : "sent whole");
    auto encoded = EncodeRecordFilter(d.plan);
    if (!encoded) std::printf("the kernel cannot hold this filter: %s\n", encoded.error().message.c_str());
  });

  auto list_files = std::make_shared<std::vector<std::string>>();
  CLI::App* list = rules->add_subcommand("list", "One line per rule: name, priority, tags, enabled, event types");
  AddVersionFlag(*list);
  list->add_option("files", *list_files, "rule files or directories")->required();
  list->callback([list_files] {
    auto set = RuleSet::Load(*list_files);
    PrintMessages(*set, false);
    for (const auto& r : set->rules()) {
      std::string types = r->event_types ? "" : "*";
      if (r->event_types)
        for (const auto& t : *r->event_types) types += (types.empty() ? "" : ",") + t;
      std::printf("%s\t%s\t%s\t%s\t%s\n", r->def.name.c_str(), std::string(PriorityName(r->def.priority)).c_str(),
                  Join(r->def.tags, ",").c_str(), r->def.enabled ? "enabled" : "disabled", types.c_str());
    }
    if (set->has_errors()) throw CLI::RuntimeError(1);
  });
}

void RegisterFieldsCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("fields", "List every field rules and outputs can use, with its type");
  AddVersionFlag(*cmd);
  auto event_types = std::make_shared<bool>(false);
  cmd->add_flag("--event-types", *event_types, "List the event types (evt.type values) riposte can produce instead");
  cmd->callback([event_types] {
    if (*event_types) {
      for (const auto& s : KnownSyscalls()) std::printf("%s\n", std::string(s.name).c_str());
      for (EventKind k : kProcessEventKinds)
        std::printf("%s\n", std::string(EventKindName(k)).c_str());
      return;
    }
    FieldRegistry fields;
    for (const auto& [name, def] : fields.all()) {
      std::string arg;
      switch (def.arg_mode) {
        case FieldArgMode::kOptionalIndex: arg = "[N]"; break;
        case FieldArgMode::kRequiredIndex: arg = "[N]!"; break;
        case FieldArgMode::kRequiredKey: arg = "[KEY]!"; break;
        case FieldArgMode::kOptionalKey: arg = "[KEY]"; break;
        case FieldArgMode::kNone: break;
      }
      // A field without a value in riposte is marked, and its description says why.
      std::printf("%-40s %-7s %s%s\n", (std::string(name) + arg).c_str(), std::string(FieldTypeName(def.type)).c_str(),
                  def.has_value ? "" : "[no value] ", std::string(def.description).c_str());
    }
  });
}

}  // namespace riposte
