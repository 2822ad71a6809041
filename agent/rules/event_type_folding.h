// Load-time folding of a condition for one event type. The rules stage already picks a
// rule's candidates by the event's type, so inside a rule evaluated for `openat` every
// `evt.type in (open, openat, openat2)` is known to be true, and `evt.type = execve` false:
// deciding them once here removes the most frequent checks of Falco's rules from the
// per-event path, and prunes whole `or` branches written for other event types.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "rules/condition_ast.h"

namespace riposte {

struct FoldedCondition {
  std::optional<bool> constant;    // the whole condition is decided for this type
  std::unique_ptr<CondNode> node;  // otherwise: what is left to evaluate per event
};

// `node` is an expanded condition (no macros, lists replaced by their items). Only
// `evt.type` checks with literal operands, no transformer and `=`, `!=` or `in` fold; they
// fold exactly as the field check evaluates them (a string comparison with the type name).
FoldedCondition FoldEventType(const CondNode& node, std::string_view event_type);

}  // namespace riposte
