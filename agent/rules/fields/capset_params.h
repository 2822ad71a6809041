// capset's exit parameters as Falco's probe fills them: the caller's capability sets as
// they are once the call returned (read from its credentials at exit: the sets it asked
// for when it succeeded, the ones it kept when it failed), in hex like execve's.
#pragma once

#include <optional>
#include <string_view>

#include "decode/event.h"
#include "rules/fields/param_value.h"

namespace riposte {

// cap_inheritable, cap_permitted, cap_effective of a capset event; nothing otherwise.
std::optional<ParamValue> CapsetParamOf(const Event& e, std::string_view name);

}  // namespace riposte
