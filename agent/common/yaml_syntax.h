// A syntax gate for YAML, run before yaml-cpp sees a text: libyaml's parser (small and
// heavily fuzzed) walks the whole event stream once. yaml-cpp 0.7 loops forever on some
// malformed inputs (a stray ',' at block level), and bad input must never hang the agent.
#pragma once

#include <string>

#include "common/result.h"

namespace riposte {

// Ok, or an error "name:line:col: message" at the first syntax error.
Status CheckYamlSyntax(const std::string& name, const std::string& text);

}  // namespace riposte
