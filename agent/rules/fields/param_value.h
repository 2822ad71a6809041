// One parameter of a Falco event as its fields show it: evt.arg.NAME, evt.rawarg.NAME and
// its place in evt.args, for parameters riposte derives rather than reads from arguments.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "decode/falco_flag_sets.h"

namespace riposte {

struct ParamValue {
  std::string text;       // evt.arg.NAME: "root", "cf_exec1" (a pid shows its process's name)
  std::string args_text;  // in evt.args: "0(root)", "26547(cf_exec1)"
  std::optional<int64_t> number;  // evt.rawarg.NAME, and what numeric comparisons use
  bool number_is_text = false;    // the evt.arg text is the number itself ("0", "1FFFEFFFFFF")
};

// A derived parameter that is one of Falco's flag sets (the clone family's flags, openat2's
// resolve): its names in evt.arg, "25165824(CLONE_...)" in evt.args, the number underneath.
inline ParamValue FlagSetParam(const FalcoFlagSet& set, uint32_t falco_value) {
  return {FalcoFlagText(set, falco_value), FalcoFlagArgsText(set, falco_value), falco_value, falco_value == 0};
}

}  // namespace riposte
