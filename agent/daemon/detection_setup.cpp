#include "daemon/detection_setup.h"

#include <spdlog/spdlog.h>

namespace riposte {

Result<std::shared_ptr<const RuleSet>> LoadRuleSet(const std::vector<std::string>& paths,
                                                   const std::vector<AppendOutput>& append_output) {
  if (paths.empty()) return Error{"no rules: pass --rules FILE|DIR (or set `rules:` in the configuration)"};
  auto set = RuleSet::Load(paths, append_output);
  for (const auto& m : set->messages()) {
    if (m.severity == Severity::kError) spdlog::error("{}", m.ToString());
    else if (m.severity == Severity::kWarning) spdlog::warn("{}", m.ToString());
    else spdlog::info("{}", m.ToString());
  }
  if (set->has_errors()) return Error{"the rules did not load; fix the errors above"};
  const auto& s = set->stats();
  spdlog::info("rules loaded: {} files, {} rules ({} enabled), {} macros, {} lists",
               s.files, s.rules, s.enabled_rules, s.macros, s.lists);
  return std::shared_ptr<const RuleSet>(std::move(set));
}

Result<Detection> SetUpDetection(const DetectionRequest& flags, const AgentConfig& config) {
  Detection d;
  const std::string& min_name = flags.min_priority.empty() ? config.min_priority : flags.min_priority;
  auto min = ParsePriority(min_name);
  if (!min) return Error{"unknown priority '" + min_name + "'"};
  d.min_priority = *min;
  d.rule_paths = flags.rules.empty() ? config.rules : flags.rules;
  auto rules = LoadRuleSet(d.rule_paths, config.append_output);
  if (!rules) return rules.error();
  d.rules = std::move(*rules);
  const std::string& format_name = flags.alerts_format.empty() ? config.alerts_format : flags.alerts_format;
  const auto format = AlertFormatNamed(format_name);
  if (!format) return Error{"alerts format '" + format_name + "' is not falco, ocsf or ecs"};
  d.sinks.push_back(std::make_unique<StreamAlertSink>(stdout, flags.json || config.alerts_json, *format));
  const std::string& file = flags.alerts_file.empty() ? config.alerts_file : flags.alerts_file;
  const std::string& url = flags.alerts_url.empty() ? config.alerts_url : flags.alerts_url;
  if (!file.empty()) {
    auto f = FileAlertSink::Open(file, *format);
    if (!f) return f.error();
    d.sinks.push_back(std::move(*f));
  }
  if (!url.empty()) {
    auto h = HttpAlertSink::Create(url, *format);
    if (!h) return h.error();
    d.sinks.push_back(std::move(*h));
  }
  return d;
}

}  // namespace riposte
