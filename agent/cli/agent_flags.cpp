#include "cli/agent_flags.h"

namespace riposte {

void AddDetectionFlags(CLI::App& cmd, DetectionRequest& f, bool rules_required) {
  auto* r = cmd.add_option("--rules,-r", f.rules, "rule file or directory (repeatable; later ones override earlier ones)");
  if (rules_required) r->required();
  cmd.add_option("--alerts-file", f.alerts_file, "append Falco-format JSON alerts here, one per line, flushed per alert");
  cmd.add_option("--alerts-url", f.alerts_url, "POST each Falco-format JSON alert here (Falcosidekick compatible)");
  cmd.add_flag("--json", f.json, "alerts on stdout as Falco-format JSON (default: text)");
  cmd.add_option("--alerts-format", f.alerts_format,
                 "the JSON of --alerts-file, --alerts-url and --json: falco (default), ocsf (Detection Finding) or ecs")
      ->check(CLI::IsMember({"falco", "ocsf", "ecs"}));
  cmd.add_option("--min-priority", f.min_priority, "drop alerts of rules below this priority (default Debug)");
}

void AddResponseFlags(CLI::App& cmd, ResponseRequest& f) {
  cmd.add_option("--policies,-p", f.policies, "response policy file or directory (repeatable; first match wins)");
  cmd.add_flag("--dry-run", f.dry_run, "every policy runs in dry-run: all checks, audit of what would be done, no action");
  cmd.add_option("--audit-log", f.audit_log, "the audit trail (default /var/log/riposte/audit.log)");
}

}  // namespace riposte
