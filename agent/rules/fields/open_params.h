// The exit parameters Falco's open events carry about what was opened rather than what was
// asked: dev and ino (open, openat, openat2, creat) and creat's creat_flags, from what the
// kernel read off the new fd. (The reported flags are decode/open_args' OpenReportedFlags.)
#pragma once

#include <optional>
#include <string_view>

#include "decode/event.h"
#include "rules/fields/param_value.h"

namespace riposte {

// Nothing for another name or an event that is not an open.
std::optional<ParamValue> OpenParamOf(const Event& e, std::string_view name);

}  // namespace riposte
