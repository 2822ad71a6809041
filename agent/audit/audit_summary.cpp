#include "audit/audit_summary.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace riposte {

namespace {

// One record into the summary. A record of the wrong shape (a field of another type, an
// alert record without its alert) throws from nlohmann's accessors; the caller counts it
// as unreadable, as it does a line that is not JSON.
void CountRecord(const nlohmann::json& r, AuditSummary& s) {
  // Everything is read before anything is counted: a record that throws half-way counts
  // nowhere.
  const std::string kind = r.value("kind", "");
  if (kind == "alert") {
    const std::string rule = r.at("alert").value("rule", "");
    std::string target;
    if (r.contains("target")) {
      const auto& t = r.at("target");
      const std::string container = t.value("container_id", "host");
      target = container == "host" ? t.value("process", "?") : "container " + container;
    }
    const auto policies = r.value("policies", std::vector<std::string>{});
    ++s.alerts_per_rule[rule];
    for (const auto& policy : policies) {
      auto& act = s.per_rule_policy[rule][policy];
      ++act.alerts;
      ++act.targets[target];
    }
  } else if (kind == "action" && r.value("phase", "") == "result") {
    const std::string rule = r.value("rule", ""), policy = r.value("policy", ""), action = r.value("action", ""),
                      outcome = r.value("outcome", "");
    ++s.per_rule_policy[rule][policy].actions[action][outcome];
  } else if (kind == "policy") {
    const std::string rule = r.value("rule", ""), policy = r.value("policy", ""), outcome = r.value("outcome", "");
    ++s.per_rule_policy[rule][policy].skipped[outcome];
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
      } catch (const nlohmann::json::exception&) {
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
