// One parameter of a Falco event as its fields show it: evt.arg.NAME, evt.rawarg.NAME and
// its place in evt.args, for parameters riposte derives rather than reads from arguments.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace riposte {

struct ParamValue {
  std::string text;       // evt.arg.NAME: "root", "cf_exec1" (a pid shows its process's name)
  std::string args_text;  // in evt.args: "0(root)", "26547(cf_exec1)"
  std::optional<int64_t> number;  // evt.rawarg.NAME, and what numeric comparisons use
  bool number_is_text = false;    // the evt.arg text is the number itself ("0", "1FFFEFFFFFF")
};

}  // namespace riposte
