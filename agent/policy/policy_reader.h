// Reads policy files (YAML lists of `- policy:` items) into a PolicySet. Every error and
// warning names file:line:col, like rule files; a set with any error is refused whole, so
// a bad reload never replaces a good set.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "policy/action_catalog.h"
#include "policy/policy.h"
#include "rules/rule_items.h"

namespace riposte {

struct PolicyLoadResult {
  std::shared_ptr<const PolicySet> set;  // null when there was an error
  std::vector<LoadMessage> messages;
  bool ok() const { return set != nullptr; }
};

// `paths`: files, or directories whose *.yaml / *.yml files load in name order (not
// recursive: policies/playbooks/ is loaded by naming it).
PolicyLoadResult LoadPolicies(const std::vector<std::string>& paths, const ActionCatalog& catalog);
// One text, for tests and `policy validate`-style callers.
PolicyLoadResult LoadPolicyText(const std::string& name, const std::string& text, const ActionCatalog& catalog);

}  // namespace riposte
