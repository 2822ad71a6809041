// A compiled condition: a tree of and/or/not over field checks, built once at load time
// (operands parsed, sets hashed, regexes compiled) and evaluated per event.
#pragma once

#include <memory>
#include <vector>

#include "rules/field_registry.h"

namespace riposte {

class Filter {
 public:
  virtual ~Filter() = default;
  virtual bool Eval(EvalContext& ctx) const = 0;
};

std::unique_ptr<Filter> MakeAnd(std::vector<std::unique_ptr<Filter>> children);
std::unique_ptr<Filter> MakeOr(std::vector<std::unique_ptr<Filter>> children);
std::unique_ptr<Filter> MakeNot(std::unique_ptr<Filter> child);
std::unique_ptr<Filter> MakeConstant(bool value);

}  // namespace riposte
