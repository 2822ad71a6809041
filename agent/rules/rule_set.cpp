#include "rules/rule_set.h"

#include <algorithm>
#include <filesystem>

#include "common/yaml_files.h"
#include "rules/event_type_folding.h"
#include "rules/rule_file_reader.h"

namespace riposte {

std::vector<std::string> ExpandRulePaths(const std::vector<std::string>& paths, std::vector<LoadMessage>& messages) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      const std::vector<std::string> files = YamlFilesIn(p);
      out.insert(out.end(), files.begin(), files.end());
    } else if (std::filesystem::exists(p, ec)) {
      out.push_back(p);
    } else {
      messages.push_back({Severity::kError, {p, 0, 0}, "", "no such file or directory"});
    }
  }
  return out;
}

std::unique_ptr<RuleSet> RuleSet::Load(const std::vector<std::string>& paths,
                                       const std::vector<AppendOutput>& append_output) {
  std::unique_ptr<RuleSet> set(new RuleSet());
  std::vector<RuleFile> files;
  for (const auto& path : ExpandRulePaths(paths, set->messages_)) {
    RuleFile f;
    if (ReadRuleFile(path, f, set->messages_)) files.push_back(std::move(f));
  }
  set->Build(files, append_output);
  return set;
}

std::unique_ptr<RuleSet> RuleSet::LoadTexts(const std::vector<std::pair<std::string, std::string>>& texts,
                                            const std::vector<AppendOutput>& append_output) {
  std::unique_ptr<RuleSet> set(new RuleSet());
  std::vector<RuleFile> files;
  for (const auto& [name, text] : texts) {
    RuleFile f;
    if (ReadRuleText(name, text, f, set->messages_)) files.push_back(std::move(f));
  }
  set->Build(files, append_output);
  return set;
}

void RuleSet::Build(const std::vector<RuleFile>& files, const std::vector<AppendOutput>& append_output) {
  stats_.files = files.size();
  for (const auto& f : files) {
    stats_.rules += f.rules.size();
    stats_.macros += f.macros.size();
    stats_.lists += f.lists.size();
  }
  CollectedRules collected = CollectRules(files, messages_);
  RuleCompiler compiler(collected, fields_, append_output);
  compiler.CheckMacros(messages_);
  for (const auto& def : collected.rules) {
    if (def.enabled) ++stats_.enabled_rules;
    auto compiled = compiler.Compile(def, messages_);
    if (!compiled) continue;
    ++stats_.compiled_rules;
    rules_.push_back(std::move(compiled));
  }
  Index(compiler);
}

void RuleSet::Index(RuleCompiler& compiler) {
  // Every type some enabled rule names gets a list; then one pass in definition order
  // fills them, so each list is in definition order, rules for any type included.
  for (const auto& r : rules_)
    if (r->def.enabled && r->event_types)
      for (const auto& t : *r->event_types) by_type_[t];
  auto add = [&](const CompiledRule& r, const std::string& type, std::vector<RuleCandidate>& list) {
    FoldedCondition folded = FoldEventType(*r.expanded, type);
    if (folded.constant) {
      if (!*folded.constant) return;  // cannot match this type: never a candidate for it
      folded_filters_.push_back(MakeConstant(true));
    } else if (auto f = compiler.BuildFilter(*folded.node)) {
      folded_filters_.push_back(std::move(*f));
    } else {
      list.push_back({&r, r.filter.get()});  // cannot happen (the whole compiled); stay correct
      return;
    }
    list.push_back({&r, folded_filters_.back().get()});
  };
  for (const auto& r : rules_) {
    if (!r->def.enabled) continue;
    if (!r->event_types) {
      any_type_.push_back({r.get(), r->filter.get()});
      for (auto& [type, list] : by_type_) add(*r, type, list);
      continue;
    }
    for (const auto& t : *r->event_types) add(*r, t, by_type_.find(t)->second);
  }
}

bool RuleSet::has_errors() const {
  return std::any_of(messages_.begin(), messages_.end(), [](const LoadMessage& m) { return m.severity == Severity::kError; });
}

const std::vector<RuleCandidate>& RuleSet::RulesFor(std::string_view event_type) const {
  auto it = by_type_.find(event_type);  // no string built per event
  return it == by_type_.end() ? any_type_ : it->second;
}

std::set<std::string> RuleSet::EventTypes(bool* any_type) const {
  std::set<std::string> out;
  for (const auto& [type, list] : by_type_)
    if (!list.empty()) out.insert(type);
  if (any_type) *any_type = !any_type_.empty();
  return out;
}

}  // namespace riposte
