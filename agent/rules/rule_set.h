// A loaded ruleset: every rule file read, collected and compiled, with the rules indexed
// by the event types they can match. Immutable once loaded; a reload builds a new one and
// swaps it in only if it loaded without errors.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "rules/append_output.h"
#include "rules/field_registry.h"
#include "rules/rule_compiler.h"

namespace riposte {

struct RuleSetStats {
  size_t files = 0, rules = 0, macros = 0, lists = 0, enabled_rules = 0, compiled_rules = 0;
};

// A rule to evaluate for an event, with the filter to evaluate it by: for an indexed type,
// its condition folded for that type (see event_type_folding.h).
struct RuleCandidate {
  const CompiledRule* rule = nullptr;
  const Filter* filter = nullptr;
};

class RuleSet {
 public:
  // Loads `paths` in order (a directory: its *.yaml and *.yml files, sorted by name).
  // Never fails outright: errors and warnings are in messages(); has_errors() says
  // whether the set may be used.
  // `append_output` (Falco's setting) extends the matching rules' outputs.
  static std::unique_ptr<RuleSet> Load(const std::vector<std::string>& paths,
                                       const std::vector<AppendOutput>& append_output = {});
  // The same from in-memory (name, text) pairs, for tests and fuzzing.
  static std::unique_ptr<RuleSet> LoadTexts(const std::vector<std::pair<std::string, std::string>>& texts,
                                            const std::vector<AppendOutput>& append_output = {});

  const std::vector<LoadMessage>& messages() const { return messages_; }
  bool has_errors() const;
  const RuleSetStats& stats() const { return stats_; }
  const std::vector<std::unique_ptr<CompiledRule>>& rules() const { return rules_; }
  const FieldRegistry& fields() const { return fields_; }

  // Enabled rules that may match an event of this type, in definition order. A rule whose
  // condition folds to false for the type is not among them.
  const std::vector<RuleCandidate>& RulesFor(std::string_view event_type) const;
  // Every event type an enabled rule names, and whether some rule matches any type.
  std::set<std::string> EventTypes(bool* any_type) const;

 private:
  RuleSet() = default;
  void Build(const std::vector<RuleFile>& files, const std::vector<AppendOutput>& append_output);
  void Index(RuleCompiler& compiler);

  FieldRegistry fields_;
  std::vector<LoadMessage> messages_;
  RuleSetStats stats_;
  std::vector<std::unique_ptr<CompiledRule>> rules_;
  struct TypeHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::vector<RuleCandidate>, TypeHash, std::equal_to<>> by_type_;
  std::vector<RuleCandidate> any_type_;  // events of a type no rule names
  std::vector<std::unique_ptr<Filter>> folded_filters_;
};

// Expands directories into their rule files (sorted); plain files pass through.
std::vector<std::string> ExpandRulePaths(const std::vector<std::string>& paths, std::vector<LoadMessage>& messages);

}  // namespace riposte
