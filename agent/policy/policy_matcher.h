// Does a policy's `match` accept an alert? Rule names (exact or glob), tags (all-of /
// any-of), priority with a comparator, source, and the scope of the target (container or
// host, image, Kubernetes namespace, pod labels, process name).
#pragma once

#include <string>
#include <vector>

#include "policy/alert_facts.h"
#include "policy/policy.h"

namespace riposte {

bool PolicyMatches(const PolicyMatch& match, const AlertFacts& alert);

// The enabled policies that answer the alert, in order: the first match, and the ones
// after it for as long as each matched policy says `continue: true`.
std::vector<const Policy*> SelectPolicies(const PolicySet& set, const AlertFacts& alert);

}  // namespace riposte
