// Falco's condition language: `and`/`or`/`not` (not binds tightest, then and, then or),
// parentheses, field checks with comparison, string, list and regex operators, list
// literals, val(field) on the right, transformers on the left, and macro names.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "rules/condition_ast.h"

namespace riposte {

struct ParseError {
  size_t offset;
  std::string message;
};

// Parses `text`; on error, says where (byte offset) and what was expected.
std::unique_ptr<CondNode> ParseCondition(const std::string& text, ParseError* error);

// True for the operators that take a list on the right ("in", "intersects", "pmatch").
bool IsListOperator(std::string_view op);
bool IsUnaryOperator(std::string_view op);

}  // namespace riposte
