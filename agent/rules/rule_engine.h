// The rules stage: each state-enriched event against the enabled rules that can match its
// type, alerts out. Holds the active ruleset behind a shared pointer so a reload can swap
// in a new one between events.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rules/alert.h"
#include "rules/rule_set.h"

namespace riposte {

class RuleEngine {
 public:
  RuleEngine(std::shared_ptr<const RuleSet> rules, Priority min_priority, std::string hostname);

  // Appends an alert to `out` for each rule `e` matches.
  void Evaluate(const Event& e, const ProcessTable& processes, int64_t wall_ns, std::vector<Alert>& out);
  void Swap(std::shared_ptr<const RuleSet> rules) { rules_ = std::move(rules); }
  const RuleSet& rules() const { return *rules_; }

  uint64_t events() const { return events_; }
  const std::map<std::string, uint64_t>& alerts_per_rule() const { return alerts_per_rule_; }

 private:
  std::shared_ptr<const RuleSet> rules_;
  Priority min_priority_;
  std::string hostname_;
  uint64_t events_ = 0;
  int64_t first_wall_ns_ = 0;     // evt.reltime counts from the first event seen
  int64_t previous_wall_ns_ = 0;  // evt.deltatime, from the event before
  std::map<std::string, uint64_t> alerts_per_rule_;
};

}  // namespace riposte
