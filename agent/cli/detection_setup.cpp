#include "cli/detection_setup.h"

#include <spdlog/spdlog.h>

namespace riposte {

void AddDetectionFlags(CLI::App& cmd, DetectionFlags& f, bool rules_required) {
  auto* r = cmd.add_option("--rules,-r", f.rules, "rule file or directory (repeatable; later ones override earlier ones)");
  if (rules_required) r->required();
  cmd.add_option("--alerts-file", f.alerts_file, "append Falco-format JSON alerts here, one per line, flushed per alert");
  cmd.add_option("--alerts-url", f.alerts_url, "POST each Falco-format JSON alert here (Falcosidekick compatible)");
  cmd.add_flag("--json", f.json, "alerts on stdout as Falco-format JSON (default: text)");
  cmd.add_option("--min-priority", f.min_priority, "drop alerts of rules below this priority")->capture_default_str();
}

Result<Detection> SetUpDetection(const DetectionFlags& flags, const std::vector<std::string>& default_rules) {
  Detection d;
  auto min = ParsePriority(flags.min_priority);
  if (!min) return Error{"unknown priority '" + flags.min_priority + "'"};
  d.min_priority = *min;
  const auto& paths = flags.rules.empty() ? default_rules : flags.rules;
  if (paths.empty()) return Error{"no rules: pass --rules FILE|DIR (or set `rules:` in the configuration)"};
  auto set = RuleSet::Load(paths);
  for (const auto& m : set->messages()) {
    if (m.severity == Severity::kError) spdlog::error("{}", m.ToString());
    else if (m.severity == Severity::kWarning) spdlog::warn("{}", m.ToString());
    else spdlog::info("{}", m.ToString());
  }
  if (set->has_errors()) return Error{"the rules did not load; fix the errors above"};
  const auto& s = set->stats();
  spdlog::info("rules loaded: {} files, {} rules ({} enabled), {} macros, {} lists",
               s.files, s.rules, s.enabled_rules, s.macros, s.lists);
  d.rules = std::move(set);
  d.sinks.push_back(std::make_unique<StreamAlertSink>(stdout, flags.json));
  if (!flags.alerts_file.empty()) {
    auto f = FileAlertSink::Open(flags.alerts_file);
    if (!f) return f.error();
    d.sinks.push_back(std::move(*f));
  }
  if (!flags.alerts_url.empty()) {
    auto h = HttpAlertSink::Create(flags.alerts_url);
    if (!h) return h.error();
    d.sinks.push_back(std::move(*h));
  }
  return d;
}

}  // namespace riposte
