#include "rules/rule_compiler.h"

#include <algorithm>
#include <functional>
#include <iterator>

#include "decode/event.h"
#include "kernel/syscall_table.h"
#include "rules/condition_parser.h"
#include "rules/field_check.h"

namespace riposte {
namespace {

// Falco quotes an item only when it holds a space and is not quoted already.
std::string QuoteItem(std::string s) {
  if (s.find(' ') != std::string::npos && !s.empty() && s[0] != '"' && s[0] != '\'') return '"' + s + '"';
  return s;
}
std::string ParenItem(std::string s) { return (!s.empty() && s[0] == '(') ? s : "(" + s + ")"; }

constexpr char kListMark = '\x01';  // the reader marks a list value inside an exception tuple

std::string Describe(const ParseError& e, const std::string& text) {
  return e.message + " at offset " + std::to_string(e.offset) + " of '" + text.substr(0, 120) +
         (text.size() > 120 ? "...'" : "'");
}

}  // namespace

std::string ConditionWithExceptions(const std::string& condition, const std::vector<ExceptionItem>& exceptions,
                                    std::string* error) {
  std::string out = "(" + condition + ")";
  for (const auto& ex : exceptions) {
    std::string icond;
    if (!ex.fields_is_list) {
      const std::string field = ex.fields.empty() ? "" : ex.fields[0];
      const std::string comp = ex.comps.empty() ? "in" : ex.comps[0];
      for (const auto& tuple : ex.values) {
        for (const auto& v : tuple) {
          if (!v.empty() && v[0] == kListMark) {
            *error = "exception '" + ex.name + "': expected values to be a list of strings";
            return {};
          }
          icond += icond.empty() ? "(" + field + " " + comp + " (" : ", ";
          icond += QuoteItem(v);
        }
      }
      icond += icond.empty() ? "" : "))";
    } else {
      icond = "(";
      for (const auto& tuple : ex.values) {
        if (tuple.size() != ex.fields.size()) {
          *error = "exception '" + ex.name + "': fields and values lists must have equal length";
          return {};
        }
        icond += icond == "(" ? "" : " or ";
        icond += "(";
        for (size_t k = 0; k < ex.fields.size(); ++k) {
          icond += k == 0 ? "" : " and ";
          const std::string comp = k < ex.comps.size() ? ex.comps[k] : "=";
          std::string istr;
          if (!tuple[k].empty() && tuple[k][0] == kListMark) {
            istr = "(";
            std::string items = tuple[k].substr(1);
            size_t i = 0;
            while (i <= items.size() && !items.empty()) {
              size_t j = items.find(',', i);
              if (j == std::string::npos) j = items.size();
              istr += (istr == "(" ? "" : ", ") + QuoteItem(items.substr(i, j - i));
              i = j + 1;
            }
            istr += ")";
          } else {
            istr = IsListOperator(comp) ? ParenItem(tuple[k]) : QuoteItem(tuple[k]);
          }
          icond += " " + ex.fields[k] + " " + comp + " " + istr;
        }
        icond += ")";
      }
      icond += ")";
      if (icond == "()") icond.clear();
    }
    if (!icond.empty()) out += " and not " + icond;
  }
  return out;
}

RuleCompiler::RuleCompiler(const CollectedRules& collected, const FieldRegistry& fields,
                           const std::vector<AppendOutput>& append_output)
    : collected_(collected), fields_(fields), append_output_(append_output) {}

const CondNode* RuleCompiler::ParsedMacro(const std::string& name, std::string* error) {
  auto it = macro_asts_.find(name);
  if (it != macro_asts_.end()) return it->second.get();
  auto err = macro_errors_.find(name);
  if (err != macro_errors_.end()) {
    *error = err->second;
    return nullptr;
  }
  auto def = collected_.macros.find(name);
  if (def == collected_.macros.end()) {
    *error = "undefined macro '" + name + "'";
    return nullptr;
  }
  ParseError pe;
  auto ast = ParseCondition(def->second.condition, &pe);
  if (!ast) {
    macro_errors_[name] = "macro '" + name + "': " + Describe(pe, def->second.condition);
    *error = macro_errors_[name];
    return nullptr;
  }
  return (macro_asts_[name] = std::move(ast)).get();
}

void RuleCompiler::CheckMacros(std::vector<LoadMessage>& messages) {
  for (const auto& [name, def] : collected_.macros) {
    std::string error;
    if (!ParsedMacro(name, &error))
      messages.push_back({Severity::kError, def.condition_position, "macro '" + name + "'", error});
  }
}

void RuleCompiler::ExpandListOperands(CondNode& check, std::string* error) {
  if (!check.list_operand) return;
  std::vector<Operand> out;
  // Lists may name other lists; a bounded depth catches cycles.
  std::function<bool(const Operand&, int)> add = [&](const Operand& o, int depth) {
    if (depth > 32) {
      *error = "lists nest more than 32 deep (a cycle?) at '" + o.text + "'";
      return false;
    }
    auto list = (o.quoted || o.is_field) ? collected_.lists.end() : collected_.lists.find(o.text);
    if (list == collected_.lists.end()) {
      out.push_back(o);
      return true;
    }
    for (const auto& item : list->second.items) {
      Operand child;
      child.text = item;
      // Falco pastes list items into the condition text, so an item written with its own
      // quotes ('"10.0.0.0/8"') is a quoted string there.
      if (item.size() >= 2 && (item.front() == '"' || item.front() == '\'') && item.back() == item.front()) {
        child.text = item.substr(1, item.size() - 2);
        child.quoted = true;
      }
      if (!add(child, depth + 1)) return false;
    }
    return true;
  };
  for (const auto& o : check.operands)
    if (!add(o, 0)) return;
  check.operands = std::move(out);
}

std::unique_ptr<CondNode> RuleCompiler::Expand(const CondNode& node, std::vector<std::string>& stack, int depth,
                                               std::string* error) {
  if (depth > kMaxExpandedDepth) {
    std::string chain;
    for (const auto& m : stack) chain += (chain.empty() ? "" : " -> ") + m;
    *error = "condition nests more than " + std::to_string(kMaxExpandedDepth) +
             " levels deep after expanding macros" + (chain.empty() ? "" : " (through " + chain.substr(0, 300) +
             (chain.size() > 300 ? "..." : "") + ")");
    return nullptr;
  }
  if (++expanded_nodes_ > kMaxExpandedNodes) {
    *error = "condition too large after expanding macros (more than " + std::to_string(kMaxExpandedNodes) + " nodes)";
    return nullptr;
  }
  switch (node.kind) {
    case CondNode::Kind::kMacro: {
      if (std::find(stack.begin(), stack.end(), node.macro) != stack.end()) {
        std::string chain;
        for (const auto& m : stack) chain += m + " -> ";
        *error = "macro cycle: " + chain + node.macro;
        return nullptr;
      }
      const CondNode* body = ParsedMacro(node.macro, error);
      if (!body) return nullptr;
      stack.push_back(node.macro);
      auto expanded = Expand(*body, stack, depth + 1, error);
      stack.pop_back();
      return expanded;
    }
    case CondNode::Kind::kCheck: {
      auto copy = node.Clone();
      ExpandListOperands(*copy, error);
      return error->empty() ? std::move(copy) : nullptr;
    }
    default: {
      auto copy = std::make_unique<CondNode>();
      copy->kind = node.kind;
      copy->offset = node.offset;
      for (const auto& c : node.children) {
        auto e = Expand(*c, stack, depth + 1, error);
        if (!e) return nullptr;
        copy->children.push_back(std::move(e));
      }
      return copy;
    }
  }
}

Result<std::unique_ptr<Filter>> RuleCompiler::Build(const CondNode& node, bool* unknown_field) {
  if (node.kind == CondNode::Kind::kCheck) {
    auto check = CompileFieldCheck(node, fields_);
    if (!check && check.error().message.starts_with("unknown field")) *unknown_field = true;
    if (!check) return Error{check.error().message + " in '" + node.ToString() + "'"};
    return std::move(*check);
  }
  std::vector<std::unique_ptr<Filter>> children;
  for (const auto& c : node.children) {
    auto f = Build(*c, unknown_field);
    if (!f) return f.error();
    children.push_back(std::move(*f));
  }
  switch (node.kind) {
    case CondNode::Kind::kAnd: return MakeAnd(std::move(children));
    case CondNode::Kind::kOr: return MakeOr(std::move(children));
    case CondNode::Kind::kNot: return MakeNot(std::move(children[0]));
    default: return Error{"internal: unexpanded macro"};
  }
}

Result<std::unique_ptr<Filter>> RuleCompiler::BuildFilter(const CondNode& expanded) {
  bool unknown = false;
  return Build(expanded, &unknown);
}

std::unique_ptr<CompiledRule> RuleCompiler::Compile(const RuleDef& rule, std::vector<LoadMessage>& messages) {
  const std::string what = "rule '" + rule.name + "'";
  auto fail = [&](const std::string& text, Severity sev = Severity::kError) {
    messages.push_back({sev, rule.condition_position.line ? rule.condition_position : rule.position, what, text});
    return nullptr;
  };
  if (rule.source != "syscall") return fail("source '" + rule.source + "' is not supported (only syscall): rule skipped", Severity::kWarning);
  auto out = std::make_unique<CompiledRule>();
  out->def = rule;
  std::string error;
  out->condition = ConditionWithExceptions(rule.condition, rule.exceptions, &error);
  if (!error.empty()) return fail(error);
  ParseError pe;
  auto ast = ParseCondition(out->condition, &pe);
  if (!ast) return fail("condition: " + Describe(pe, out->condition));
  std::vector<std::string> stack;
  expanded_nodes_ = 0;
  auto expanded = Expand(*ast, stack, 0, &error);
  if (!expanded) return fail(error);
  bool unknown = false;
  auto filter = Build(*expanded, &unknown);
  if (!filter) {
    if (unknown && rule.skip_if_unknown_filter)
      return fail(filter.error().message + " (skip-if-unknown-filter: rule skipped)", Severity::kWarning);
    return fail(filter.error().message);
  }
  out->filter = std::move(*filter);
  AppendedOutput appended = AppendedFor(rule, append_output_);
  auto output = OutputFormat::Compile(rule.output + appended.text, fields_);
  if (!output) {
    messages.push_back({Severity::kError, rule.position, what, output.error().message});
    return nullptr;
  }
  out->output = std::move(*output);
  for (const auto& [name, format] : appended.fields) {
    bool raw = format.empty();
    auto f = OutputFormat::Compile(raw ? "%" + name : format, fields_);
    if (!f) {
      messages.push_back({Severity::kError, rule.position, what, "append_output extra_fields '" + name + "': " + f.error().message});
      return nullptr;
    }
    out->extra_fields.push_back({name, std::move(*f), raw});
  }
  if (auto missing = EventTypesNotProduced(*expanded); !missing.empty()) {
    std::string names;
    for (const auto& n : missing) names += (names.empty() ? "" : ", ") + n;
    return fail("evt.type names an event riposte cannot produce (" + names +
                "): the rule could never fire (riposte fields --event-types lists those it can)");
  }
  out->event_types = EventTypesOf(*expanded);
  std::set<std::string> valueless;
  FieldsWithoutValue(*expanded, fields_, valueless);
  for (const auto& name : valueless)
    messages.push_back({Severity::kWarning, rule.condition_position, what,
                        "field '" + name + "' has no value in riposte (riposte fields says why): a check on it is never true"});
  out->expanded = std::move(expanded);
  if (!out->event_types)
    messages.push_back({Severity::kWarning, rule.condition_position, what,
                        "the condition does not restrict evt.type: the rule is evaluated for every event"});
  return out;
}

bool IsFalcoEventWithoutX86Syscall(std::string_view name) {
  // Falco's event table has them for other architectures; on x86_64 no process can make
  // them, in Falco or here (upstream names umount beside umount2).
  for (std::string_view n : {"umount", "socketcall", "mmap2", "fcntl64", "send", "recv"})
    if (n == name) return true;
  return false;
}

bool IsProducedEventType(std::string_view name) {
  if (FindSyscall(name)) return true;
  for (EventKind k : kProcessEventKinds)
    if (EventKindName(k) == name) return true;
  return false;
}

void FieldsWithoutValue(const CondNode& node, const FieldRegistry& fields, std::set<std::string>& out) {
  if (node.kind == CondNode::Kind::kCheck) {
    auto note = [&](const FieldRef& f) {
      const FieldDef* def = fields.Find(f.name, nullptr);
      if (def && !def->has_value) out.insert(f.name);
    };
    note(node.field);
    for (const auto& o : node.operands)
      if (o.is_field) note(o.field);
  }
  for (const auto& c : node.children) FieldsWithoutValue(*c, fields, out);
}

std::set<std::string> EventTypesNotProduced(const CondNode& node) {
  std::set<std::string> missing;
  if (node.kind == CondNode::Kind::kCheck && node.field.name == "evt.type" && node.field.transformers.empty()) {
    for (const auto& o : node.operands)
      if (!o.is_field && !IsProducedEventType(o.text) && !IsFalcoEventWithoutX86Syscall(o.text)) missing.insert(o.text);
  }
  for (const auto& c : node.children) {
    auto m = EventTypesNotProduced(*c);
    missing.insert(m.begin(), m.end());
  }
  return missing;
}

std::optional<std::set<std::string>> EventTypesOf(const CondNode& node) {
  switch (node.kind) {
    case CondNode::Kind::kCheck: {
      if (node.field.name != "evt.type" || !node.field.transformers.empty()) return std::nullopt;
      if (node.op != "=" && node.op != "in") return std::nullopt;
      std::set<std::string> types;
      for (const auto& o : node.operands) types.insert(o.text);
      return types;
    }
    case CondNode::Kind::kAnd: {
      std::optional<std::set<std::string>> acc;
      for (const auto& c : node.children) {
        auto t = EventTypesOf(*c);
        if (!t) continue;
        if (!acc) {
          acc = std::move(t);
        } else {
          std::set<std::string> both;
          std::set_intersection(acc->begin(), acc->end(), t->begin(), t->end(), std::inserter(both, both.end()));
          acc = std::move(both);
        }
      }
      return acc;
    }
    case CondNode::Kind::kOr: {
      std::set<std::string> all;
      for (const auto& c : node.children) {
        auto t = EventTypesOf(*c);
        if (!t) return std::nullopt;
        all.insert(t->begin(), t->end());
      }
      return all;
    }
    default:
      return std::nullopt;  // `not` and macros (expanded by now): conservatively any
  }
}

}  // namespace riposte
