// The compile stage: a collected rule's condition, with its exceptions rewritten into it
// exactly as Falco writes them, parsed; macros expanded (cycles are errors); list names
// replaced by their items; every field and operator checked; the event types the rule
// can match worked out for the index.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rules/condition_ast.h"
#include "rules/append_output.h"
#include "rules/filter.h"
#include "rules/output_format.h"
#include "rules/rule_collector.h"

namespace riposte {

struct CompiledRule {
  RuleDef def;
  std::string condition;  // with exceptions, before expansion (what Falco compiles)
  std::unique_ptr<Filter> filter;
  // The condition after macro and list expansion: the rule set folds it per event type.
  std::unique_ptr<CondNode> expanded;
  OutputFormat output;
  // append_output's extra_fields: only in output_fields. `raw`: a field by its own name,
  // typed (evt.hostname); otherwise a custom name whose format renders to a string.
  struct ExtraField {
    std::string name;
    OutputFormat format;
    bool raw = false;
  };
  std::vector<ExtraField> extra_fields;
  // Event types the rule can match; nullopt: any (the condition does not say).
  std::optional<std::set<std::string>> event_types;
};

// Falco's text for a condition with exceptions: "(cond) and not ((f1 = v1 and ...) or ...)".
std::string ConditionWithExceptions(const std::string& condition, const std::vector<ExceptionItem>& exceptions,
                                    std::string* error);

class RuleCompiler {
 public:
  RuleCompiler(const CollectedRules& collected, const FieldRegistry& fields,
               const std::vector<AppendOutput>& append_output = {});
  // Compiles one rule; problems go to `messages`. Returns null if the rule cannot be used.
  std::unique_ptr<CompiledRule> Compile(const RuleDef& rule, std::vector<LoadMessage>& messages);
  // Parse errors in macros, reported once each.
  void CheckMacros(std::vector<LoadMessage>& messages);
  // The filter of an expanded (possibly folded) condition.
  Result<std::unique_ptr<Filter>> BuildFilter(const CondNode& expanded);

 private:
  const CondNode* ParsedMacro(const std::string& name, std::string* error);
  std::unique_ptr<CondNode> Expand(const CondNode& node, std::vector<std::string>& stack, int depth,
                                   std::string* error);
  void ExpandListOperands(CondNode& check, std::string* error);
  Result<std::unique_ptr<Filter>> Build(const CondNode& node, bool* unknown_field);

  const CollectedRules& collected_;
  const FieldRegistry& fields_;
  const std::vector<AppendOutput>& append_output_;
  std::map<std::string, std::unique_ptr<CondNode>> macro_asts_;
  std::map<std::string, std::string> macro_errors_;
  // Nodes created while expanding the current rule: macros that use macros many times
  // grow exponentially, and a hostile file must not exhaust memory.
  size_t expanded_nodes_ = 0;
  static constexpr size_t kMaxExpandedNodes = 200000;
  // Expansion recurses once per nesting level of the expanded condition, macro bodies
  // included: a chain of macros, each within the parser's own bound, would otherwise nest
  // deep enough to overflow the stack. Falco's parser allows 1000 levels; so does this.
  static constexpr int kMaxExpandedDepth = 1000;
};

// The event types a condition can match (nullopt: any).
std::optional<std::set<std::string>> EventTypesOf(const CondNode& node);
// Whether riposte can produce an event of this evt.type: a syscall it captures, or one of
// its process events (procexit ...).
bool IsProducedEventType(std::string_view name);
// The fields a condition reads that riposte has no value for (FieldDef::has_value).
void FieldsWithoutValue(const CondNode& node, const FieldRegistry& fields, std::set<std::string>& out);
// The evt.type names a condition compares with that riposte cannot produce.
std::set<std::string> EventTypesNotProduced(const CondNode& node);

}  // namespace riposte
