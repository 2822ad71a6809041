// What `run` and `replay` share to detect: what the operator chose (rules, outputs,
// minimum priority), the ruleset loaded (errors printed, refusal if any), and the alert
// sinks built.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/agent_config.h"
#include "output/alert_sinks.h"
#include "rules/rule_set.h"

namespace riposte {

// The operator's choices, from flags; empty ones fall back to the configuration.
struct DetectionRequest {
  std::vector<std::string> rules;  // files or directories, in order
  std::string alerts_file;
  std::string alerts_url;
  bool json = false;
  std::string alerts_format;  // empty: the configuration's (default falco)
  std::string min_priority;  // empty: the configuration's (default Debug)
};

struct Detection {
  std::vector<std::string> rule_paths;  // the request's, else the configuration's: what reloads read
  std::shared_ptr<const RuleSet> rules;
  Priority min_priority = Priority::kDebug;
  std::vector<std::unique_ptr<AlertSink>> sinks;
  void Emit(const Alert& a) {
    for (auto& s : sinks) s->Write(a);
  }
  // Once per pass over the ring buffer: a reader tailing the output sees each alert within
  // milliseconds, at one write per batch.
  void Flush() {
    for (auto& s : sinks) s->Flush();
  }
};

// Loads rules (printing every message) and opens the sinks. The request wins over the
// configuration's rules and alerts keys.
Result<Detection> SetUpDetection(const DetectionRequest& request, const AgentConfig& config);
// Loads a ruleset, printing every message; an error when it has errors.
Result<std::shared_ptr<const RuleSet>> LoadRuleSet(const std::vector<std::string>& paths,
                                                   const std::vector<AppendOutput>& append_output);

}  // namespace riposte
