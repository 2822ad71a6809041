// What `run` and `replay` share to detect: the flags that choose rules and outputs, the
// ruleset loaded (errors printed, refusal if any), and the alert sinks built.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/result.h"
#include "config/agent_config.h"
#include "output/alert_sinks.h"
#include "rules/rule_set.h"

namespace riposte {

struct DetectionFlags {
  std::vector<std::string> rules;  // files or directories, in order
  std::string alerts_file;
  std::string alerts_url;
  bool json = false;
  std::string min_priority;  // empty: the configuration's (default Debug)
};

void AddDetectionFlags(CLI::App& cmd, DetectionFlags& flags, bool rules_required);

struct Detection {
  std::shared_ptr<const RuleSet> rules;
  Priority min_priority = Priority::kDebug;
  std::vector<std::unique_ptr<AlertSink>> sinks;
  void Emit(const Alert& a) {
    for (auto& s : sinks) s->Write(a);
  }
};

// Loads rules (printing every message) and opens the sinks. Flags win over the
// configuration's rules and alerts keys.
Result<Detection> SetUpDetection(const DetectionFlags& flags, const AgentConfig& config);
// Loads a ruleset, printing every message; an error when it has errors.
Result<std::shared_ptr<const RuleSet>> LoadRuleSet(const std::vector<std::string>& paths,
                                                   const std::vector<AppendOutput>& append_output);

}  // namespace riposte
