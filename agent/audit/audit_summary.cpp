#include "audit/audit_summary.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "audit/audit_records.h"

namespace riposte {

namespace {

// One record into the summary, read through the record types (audit_records.h). A record
// of the wrong shape (a field of another type, an alert record without its alert) is an
// error value or throws from nlohmann's accessors; the caller counts it as unreadable, as
// it does a line that is not JSON.
void CountRecord(const nlohmann::json& r, AuditSummary& s) {
  // Everything is read before anything is counted: a record that fails half-way counts
  // nowhere.
  if (auto it = r.find("kind"); it != r.end() && !it->is_string()) throw std::invalid_argument("kind is not a name");
  const auto kind = KindOf(r);
  if (kind == AuditKind::kAlert) {
    auto alert = ReadAlertRecord(r);
    if (!alert) throw std::invalid_argument(alert.error().message);
    const std::string rule = alert->alert.value("rule", "");
    std::string target;
    if (r.contains("target")) {
      const auto& t = alert->target;
      const std::string container = t.value("container_id", "host");
      target = container == "host" ? t.value("process", "?") : "container " + container;
    }
    ++s.alerts_per_rule[rule];
    for (const auto& policy : alert->policies) {
      auto& act = s.per_rule_policy[rule][policy];
      ++act.alerts;
      ++act.targets[target];
    }
  } else if (kind == AuditKind::kAction) {
    auto action = ReadActionRecord(r);
    if (!action) throw std::invalid_argument(action.error().message);
    if (action->phase != "result") return;
    ++s.per_rule_policy[action->context.rule][action->context.policy].actions[action->action][action->outcome.value_or("")];
  } else if (kind == AuditKind::kPolicy) {
    auto policy = ReadPolicyRecord(r);
    if (!policy) throw std::invalid_argument(policy.error().message);
    ++s.per_rule_policy[policy->context.rule][policy->context.policy].skipped[policy->outcome];
  }
}

}  // namespace

Result<AuditSummary> SummarizeAudit(const std::vector<std::string>& files) {
  AuditSummary s;
  std::map<std::string, std::string> rule_of_alert;
  for (const auto& file : files) {
    std::ifstream in(file);
    if (!in) return Error{file + ": cannot read the file"};
    std::string line;
    while (std::getline(in, line)) {
      auto r = nlohmann::json::parse(line, nullptr, false);
      if (r.is_discarded() || !r.is_object()) {
        ++s.unreadable;
        continue;
      }
      try {
        CountRecord(r, s);
        ++s.records;
      } catch (const std::exception&) {  // nlohmann's, or a record of the wrong shape
        ++s.unreadable;
      }
    }
  }
  return s;
}

std::string FormatAuditSummary(const AuditSummary& s) {
  std::ostringstream out;
  out << s.records << " audit records";
  if (s.unreadable) out << " (" << s.unreadable << " unreadable lines skipped)";
  out << "\n";
  for (const auto& [rule, policies] : s.per_rule_policy) {
    auto fired = s.alerts_per_rule.find(rule);
    out << "\nrule '" << rule << "': " << (fired == s.alerts_per_rule.end() ? 0 : fired->second) << " alerts\n";
    for (const auto& [policy, act] : policies) {
      out << "  policy '" << policy << "': answered " << act.alerts << "\n";
      for (const auto& [action, outcomes] : act.actions) {
        out << "    " << action << ":";
        for (const auto& [outcome, n] : outcomes) out << " " << outcome << "=" << n;
        out << "\n";
      }
      for (const auto& [why, n] : act.skipped) out << "    skipped " << why << "=" << n << "\n";
      // The most frequent targets: where a policy would hit most, and whether it should.
      std::vector<std::pair<uint64_t, std::string>> top;
      for (const auto& [t, n] : act.targets) top.emplace_back(n, t);
      std::sort(top.rbegin(), top.rend());
      if (!top.empty()) {
        out << "    top targets:";
        for (size_t i = 0; i < top.size() && i < 5; ++i) out << " " << top[i].second << " (" << top[i].first << ")";
        out << "\n";
      }
    }
  }
  return out.str();
}

}  // namespace riposte
