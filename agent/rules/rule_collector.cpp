#include "rules/rule_collector.h"

#include <algorithm>

namespace riposte {
namespace {

void MergeExceptions(std::vector<ExceptionItem>& into, const std::vector<ExceptionItem>& more) {
  for (const auto& e : more) {
    auto it = std::find_if(into.begin(), into.end(), [&](const ExceptionItem& x) { return x.name == e.name; });
    if (it == into.end()) {
      into.push_back(e);
    } else {  // same exception name: its values grow
      it->values.insert(it->values.end(), e.values.begin(), e.values.end());
    }
  }
}

class Collector {
 public:
  explicit Collector(std::vector<LoadMessage>& messages) : messages_(messages) {}

  void Apply(const RuleFile& f) {
    if (f.required_engine_version &&
        CompareVersions(*f.required_engine_version, kFalcoEngineVersion) > 0)
      messages_.push_back({Severity::kError, {f.path, 1, 1}, "",
                           "requires engine version " + *f.required_engine_version +
                               ", riposte implements Falco's rules engine " + kFalcoEngineVersion});
    for (const auto& p : f.required_plugins) {
      bool native = std::find(std::begin(kNativePlugins), std::end(kNativePlugins), p.name) !=
                    std::end(kNativePlugins);
      if (!native)
        messages_.push_back({Severity::kError, p.position, "",
                             "requires plugin '" + p.name + "' " + p.version + ", which riposte does not provide"});
      else
        messages_.push_back({Severity::kInfo, p.position, "",
                             "requires plugin '" + p.name + "' " + p.version +
                                 ": riposte provides its fields natively, requirement met"});
    }
    for (auto [kind, index] : f.order) {
      if (kind == 0) ApplyList(f.lists[index]);
      else if (kind == 1) ApplyMacro(f.macros[index]);
      else ApplyRule(f.rules[index]);
    }
  }

  CollectedRules Take() { return std::move(out_); }

 private:
  void ApplyList(const ListItem& l) {
    auto it = out_.lists.find(l.name);
    if (l.append) {
      if (it == out_.lists.end()) {
        Error(l.position, "list '" + l.name + "'", "append to a list that is not defined");
        return;
      }
      it->second.items.insert(it->second.items.end(), l.items.begin(), l.items.end());
      return;
    }
    out_.lists[l.name] = {l.items, l.position};
  }

  void ApplyMacro(const MacroItem& m) {
    auto it = out_.macros.find(m.name);
    if (m.append) {
      if (it == out_.macros.end()) {
        Error(m.position, "macro '" + m.name + "'", "append to a macro that is not defined");
        return;
      }
      it->second.condition += " " + m.condition;
      return;
    }
    out_.macros[m.name] = {m.condition, m.position, m.condition_position};
  }

  RuleDef* Find(const std::string& name) {
    for (auto& r : out_.rules)
      if (r.name == name) return &r;
    return nullptr;
  }

  void ApplyRule(const RuleItem& r) {
    const std::string what = "rule '" + r.name + "'";
    RuleDef* existing = Find(r.name);
    if (r.append) {
      if (!existing) return Error(r.position, what, "append to a rule that is not defined");
      if (r.condition) existing->condition += " " + *r.condition;
      if (r.exceptions) MergeExceptions(existing->exceptions, *r.exceptions);
      return;
    }
    if (!r.overrides.empty()) {
      if (!existing) return Error(r.position, what, "override of a rule that is not defined");
      for (const auto& [key, mode] : r.overrides) ApplyOverride(*existing, r, key, mode);
      return;
    }
    const bool only_enabled = r.enabled && !r.condition && !r.output && !r.desc && !r.priority;
    if (only_enabled) {
      if (!existing) return Error(r.position, what, "enabled set on a rule that is not defined");
      existing->enabled = *r.enabled;
      return;
    }
    RuleDef def;
    def.name = r.name;
    def.condition = r.condition.value_or("");
    def.output = r.output.value_or("");
    def.desc = r.desc.value_or("");
    def.priority = r.priority.value_or(Priority::kDebug);
    def.tags = r.tags.value_or(std::vector<std::string>{});
    def.enabled = r.enabled.value_or(true);
    def.exceptions = r.exceptions.value_or(std::vector<ExceptionItem>{});
    def.source = r.source;
    def.skip_if_unknown_filter = r.skip_if_unknown_filter;
    def.position = r.position;
    def.condition_position = r.condition_position;
    if (existing) *existing = std::move(def);  // redefinition keeps the rule's place
    else out_.rules.push_back(std::move(def));
  }

  void ApplyOverride(RuleDef& d, const RuleItem& r, const std::string& key, OverrideMode mode) {
    const bool append = mode == OverrideMode::kAppend;
    if (key == "condition") {
      d.condition = append ? d.condition + " " + *r.condition : *r.condition;
      d.condition_position = r.condition_position;
    } else if (key == "output") {
      d.output = append ? d.output + " " + *r.output : *r.output;
    } else if (key == "desc") {
      d.desc = append ? d.desc + " " + *r.desc : *r.desc;
    } else if (key == "priority") {
      d.priority = *r.priority;
    } else if (key == "tags") {
      if (!append) d.tags.clear();
      for (const auto& t : *r.tags)
        if (std::find(d.tags.begin(), d.tags.end(), t) == d.tags.end()) d.tags.push_back(t);
    } else if (key == "enabled") {
      d.enabled = *r.enabled;
    } else if (key == "exceptions") {
      if (append) MergeExceptions(d.exceptions, *r.exceptions);
      else d.exceptions = *r.exceptions;
    }
  }

  void Error(const SourcePosition& pos, const std::string& item, const std::string& text) {
    messages_.push_back({Severity::kError, pos, item, text});
  }

  std::vector<LoadMessage>& messages_;
  CollectedRules out_;
};

}  // namespace

CollectedRules CollectRules(const std::vector<RuleFile>& files, std::vector<LoadMessage>& messages) {
  Collector c(messages);
  for (const auto& f : files) c.Apply(f);
  return c.Take();
}

int CompareVersions(std::string_view a, std::string_view b) {
  auto next = [](std::string_view& s) {
    long v = 0;
    size_t i = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0');
    s.remove_prefix(std::min(s.size(), i + 1));
    return v;
  };
  for (int k = 0; k < 3; ++k) {
    long x = next(a), y = next(b);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

}  // namespace riposte
