// The parsed form of a Falco condition. Macros and lists are still names here; the
// compiler resolves them.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace riposte {

// A field as written: name, optional [argument], wrapped in zero or more transformers
// (outermost first): tolower(proc.name) -> {name "proc.name", transformers {"tolower"}}.
struct FieldRef {
  std::string name;
  std::string arg;
  bool has_arg = false;
  std::vector<std::string> transformers;
  std::string ToString() const;
};

// A right-hand side value: a literal (quoted or bare), or val(field).
struct Operand {
  std::string text;
  bool quoted = false;
  bool is_field = false;  // val(field)
  FieldRef field;
};

struct CondNode {
  enum class Kind { kAnd, kOr, kNot, kCheck, kMacro };
  Kind kind = Kind::kCheck;
  size_t offset = 0;  // where it starts in the condition text
  std::vector<std::unique_ptr<CondNode>> children;  // and, or (2+), not (1)
  // kCheck
  FieldRef field;
  std::string op;                 // "=", "!=", "contains", "in", "exists", ...
  std::vector<Operand> operands;  // one for binary ops, any number for list ops
  bool list_operand = false;      // operands came as "( ... )"
  // kMacro
  std::string macro;

  std::unique_ptr<CondNode> Clone() const;
  std::string ToString() const;  // canonical text, for tests and messages
};

}  // namespace riposte
