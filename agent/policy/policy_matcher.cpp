#include "policy/policy_matcher.h"

#include <fnmatch.h>

#include <algorithm>

#include "common/glob.h"

namespace riposte {
namespace {

bool HasTag(const AlertFacts& a, const std::string& tag) {
  return std::find(a.tags.begin(), a.tags.end(), tag) != a.tags.end();
}

bool ScopeMatches(const PolicyMatch& m, const AlertTarget& t) {
  if (m.target == TargetScope::kContainer && !t.in_container()) return false;
  if (m.target == TargetScope::kHost && t.container_id != "host") return false;
  // A scope selector on a fact the alert does not carry does not match: acting on a
  // target whose image or namespace is unknown would widen the policy silently.
  if (!m.images.empty() && (t.container_image.empty() || !MatchesAnyGlob(m.images, t.container_image))) return false;
  if (!m.namespaces.empty() && (t.k8s_namespace.empty() || !MatchesAnyGlob(m.namespaces, t.k8s_namespace)))
    return false;
  if (!m.process_names.empty() && (t.process_name.empty() || !MatchesAnyGlob(m.process_names, t.process_name)))
    return false;
  for (const auto& [key, pattern] : m.pod_labels) {
    auto it = t.pod_labels.find(key);
    if (it == t.pod_labels.end() || fnmatch(pattern.c_str(), it->second.c_str(), 0) != 0) return false;
  }
  return true;
}

}  // namespace

bool PriorityMatch::Matches(Priority p) const {
  // Severity: the enum lists the most severe first, so "more severe" is "smaller".
  const int have = -static_cast<int>(p), want = -static_cast<int>(value);
  if (op == "=") return have == want;
  if (op == "!=") return have != want;
  if (op == ">=") return have >= want;
  if (op == ">") return have > want;
  if (op == "<=") return have <= want;
  if (op == "<") return have < want;
  return false;
}

std::string_view PolicyModeName(PolicyMode m) { return m == PolicyMode::kEnforce ? "enforce" : "dry-run"; }

bool PolicyMatches(const PolicyMatch& m, const AlertFacts& a) {
  if (!m.rules.empty() && !MatchesAnyGlob(m.rules, a.rule)) return false;
  for (const auto& t : m.tags_all)
    if (!HasTag(a, t)) return false;
  if (!m.tags_any.empty() && std::none_of(m.tags_any.begin(), m.tags_any.end(), [&](const auto& t) { return HasTag(a, t); }))
    return false;
  if (m.priority && !m.priority->Matches(a.priority)) return false;
  if (!m.sources.empty() && std::find(m.sources.begin(), m.sources.end(), a.source) == m.sources.end()) return false;
  return ScopeMatches(m, a.target);
}

std::vector<const Policy*> SelectPolicies(const PolicySet& set, const AlertFacts& alert) {
  std::vector<const Policy*> out;
  for (const auto& p : set.policies) {
    if (!p.enabled || !PolicyMatches(p.match, alert)) continue;
    out.push_back(&p);
    if (!p.continue_matching) break;
  }
  return out;
}

}  // namespace riposte
