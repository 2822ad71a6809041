#include "rules/append_output.h"

#include <algorithm>

namespace riposte {
namespace {

// The fields riposte's container enrichment suggests, in the container plugin's order
// (falcosecurity/plugins container: the fields flagged as suggested output formats).
constexpr const char* kSuggestedFields[] = {"container.id", "container.name", "container.image.repository",
                                            "container.image.tag", "k8s.pod.name", "k8s.ns.name"};

bool Matches(const RuleDef& rule, const AppendOutput& e) {
  if (!e.source.empty() && e.source != rule.source) return false;
  if (!e.rule.empty() && e.rule != rule.name) return false;
  for (const auto& t : e.tags)
    if (std::find(rule.tags.begin(), rule.tags.end(), t) == rule.tags.end()) return false;
  return true;
}

}  // namespace

std::vector<AppendOutput> DefaultAppendOutput() {
  AppendOutput suggested;
  suggested.suggested_output = true;
  return {suggested};
}

AppendedOutput AppendedFor(const RuleDef& rule, const std::vector<AppendOutput>& entries) {
  AppendedOutput out;
  for (const auto& e : entries) {
    if (!Matches(rule, e)) continue;
    if (!e.extra_output.empty()) out.text += " " + e.extra_output;
    if (e.suggested_output && rule.source == "syscall") {
      for (std::string_view f : kSuggestedFields) {
        std::string key(f);
        std::replace(key.begin(), key.end(), '.', '_');  // Falco: container_id=%container.id
        out.text += " " + key + "=%" + std::string(f);
      }
    }
    out.fields.insert(out.fields.end(), e.extra_fields.begin(), e.extra_fields.end());
  }
  return out;
}

}  // namespace riposte
