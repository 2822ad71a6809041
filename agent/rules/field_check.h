// One comparison, `field op operand(s)`, compiled: the operator chosen once, the operands
// parsed for the field's type (numbers, networks, hex bytes), `in` lists hashed, `pmatch`
// prefixes sorted, regexes compiled with RE2.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <string>

#include "common/result.h"
#include "rules/condition_ast.h"
#include "rules/filter.h"

namespace riposte {

class FieldRegistry;

// A number operand as the checks read it (decimal, 0x hex, 0 octal), or nullopt.
std::optional<int64_t> ParseInt(std::string_view s);

// Builds the check for `node` (a kCheck whose list operands are already expanded).
Result<std::unique_ptr<Filter>> CompileFieldCheck(const CondNode& node, const FieldRegistry& fields);

// Resolves a field reference (name, argument) against the registry; errors name the field.
struct ResolvedField {
  const FieldDef* def = nullptr;
  FieldArg arg;
  std::vector<std::string> transformers;
};
Result<ResolvedField> ResolveField(const FieldRef& ref, const FieldRegistry& fields);

// Extracts a resolved field's values, with its transformers applied.
void ExtractField(const ResolvedField& f, EvalContext& ctx, std::vector<FieldValue>& out);

}  // namespace riposte
