// `riposte tune`: what the audit trail says each rule and policy did, or would have done
// in dry-run, so policies can be tuned before they enforce.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"

namespace riposte {

struct PolicyActivity {
  uint64_t alerts = 0;                                       // alerts this policy answered
  std::map<std::string, std::map<std::string, uint64_t>> actions;  // action -> outcome -> count
  std::map<std::string, uint64_t> skipped;                   // policy-level: deduplicated, rate_limited, ...
  std::map<std::string, uint64_t> targets;                   // process or container -> alerts
};

struct AuditSummary {
  uint64_t records = 0;
  uint64_t unreadable = 0;
  std::map<std::string, uint64_t> alerts_per_rule;
  std::map<std::string, std::map<std::string, PolicyActivity>> per_rule_policy;  // rule -> policy -> activity
};

Result<AuditSummary> SummarizeAudit(const std::vector<std::string>& files);
std::string FormatAuditSummary(const AuditSummary& s);

}  // namespace riposte
