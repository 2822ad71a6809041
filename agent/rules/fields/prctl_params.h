// prctl's exit parameters as Falco's probe fills them: arg2_str, the name PR_SET_NAME set
// or PR_GET_NAME read (read by the kernel at exit), and arg2_int, 0 for those two and the
// argument itself for the others.
#pragma once

#include <optional>
#include <string_view>

#include "decode/event.h"
#include "rules/fields/param_value.h"

namespace riposte {

// Nothing for another name or event; nothing for arg2_int of PR_GET_CHILD_SUBREAPER, whose
// value (what the kernel wrote at arg2) riposte does not read.
std::optional<ParamValue> PrctlParamOf(const Event& e, std::string_view name);

}  // namespace riposte
