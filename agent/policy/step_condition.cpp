#include "policy/step_condition.h"

#include <fnmatch.h>

#include <algorithm>
#include <charconv>

#include "rules/condition_parser.h"
#include "rules/rule_items.h"

namespace riposte {
namespace {

const std::set<std::string, std::less<>> kOperators = {"=", "==", "!=", "<", "<=", ">", ">=", "in",
                                                       "contains", "icontains", "startswith", "endswith",
                                                       "glob", "exists"};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::optional<double> Number(const std::string& s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// Ordering for < <= > >=: priorities by severity, numbers as numbers, else text.
int Compare(const std::string& field, const std::string& a, const std::string& b) {
  if (field == "priority") {
    auto pa = ParsePriority(a), pb = ParsePriority(b);
    // More severe is greater; the enum lists the most severe first.
    if (pa && pb) return *pa == *pb ? 0 : (*pa < *pb ? 1 : -1);
  }
  auto na = Number(a), nb = Number(b);
  if (na && nb) return *na == *nb ? 0 : (*na < *nb ? -1 : 1);
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

Status Check(const CondNode& n, const std::set<std::string>& steps) {
  switch (n.kind) {
    case CondNode::Kind::kAnd:
    case CondNode::Kind::kOr:
    case CondNode::Kind::kNot:
      for (const auto& c : n.children)
        if (auto st = Check(*c, steps); !st) return st;
      return Status::Ok();
    case CondNode::Kind::kMacro:
      return Error{"'" + n.macro + "' is not a condition: write a comparison such as steps.ID.outcome = done"};
    case CondNode::Kind::kCheck:
      break;
  }
  if (!kOperators.count(n.op)) return Error{"operator '" + n.op + "' is not supported in when:"};
  if (!n.field.transformers.empty()) return Error{"transformers are not supported in when:"};
  for (const auto& o : n.operands)
    if (o.is_field) return Error{"val() is not supported in when:"};
  const std::string& name = n.field.name;
  if (name.starts_with("steps.")) {
    size_t dot = name.rfind('.');
    std::string step = name.substr(6, dot - 6);
    std::string what = name.substr(dot + 1);
    if (dot <= 6 || (what != "outcome" && what != "error"))
      return Error{"'" + name + "': write steps.ID.outcome or steps.ID.error"};
    if (!steps.count(step)) return Error{"'" + name + "' names no earlier step (steps so far: " +
                                         (steps.empty() ? std::string("none") : [&] {
                                           std::string s;
                                           for (const auto& x : steps) s += (s.empty() ? "" : ", ") + x;
                                           return s;
                                         }()) + ")"};
  }
  return Status::Ok();
}

bool EvalCheck(const CondNode& n, const StepCondition::Lookup& lookup) {
  std::string key = n.field.name;
  if (n.field.has_arg) key += "[" + n.field.arg + "]";
  auto value = lookup(key);
  if (n.op == "exists") return value.has_value();
  if (!value) return n.op == "!=";  // an absent value equals nothing
  const std::string& v = *value;
  const std::string rhs = n.operands.empty() ? "" : n.operands.front().text;
  if (n.op == "=" || n.op == "==") return v == rhs;
  if (n.op == "!=") return v != rhs;
  if (n.op == "in")
    return std::any_of(n.operands.begin(), n.operands.end(), [&](const Operand& o) { return o.text == v; });
  if (n.op == "contains") return v.find(rhs) != std::string::npos;
  if (n.op == "icontains") return Lower(v).find(Lower(rhs)) != std::string::npos;
  if (n.op == "startswith") return v.starts_with(rhs);
  if (n.op == "endswith") return v.ends_with(rhs);
  if (n.op == "glob") return fnmatch(rhs.c_str(), v.c_str(), 0) == 0;
  int c = Compare(n.field.name, v, rhs);
  if (n.op == "<") return c < 0;
  if (n.op == "<=") return c <= 0;
  if (n.op == ">") return c > 0;
  if (n.op == ">=") return c >= 0;
  return false;
}

bool EvalNode(const CondNode& n, const StepCondition::Lookup& lookup) {
  switch (n.kind) {
    case CondNode::Kind::kAnd:
      return std::all_of(n.children.begin(), n.children.end(), [&](const auto& c) { return EvalNode(*c, lookup); });
    case CondNode::Kind::kOr:
      return std::any_of(n.children.begin(), n.children.end(), [&](const auto& c) { return EvalNode(*c, lookup); });
    case CondNode::Kind::kNot:
      return !EvalNode(*n.children.front(), lookup);
    case CondNode::Kind::kCheck:
      return EvalCheck(n, lookup);
    case CondNode::Kind::kMacro:
      return false;
  }
  return false;
}

}  // namespace

Result<std::shared_ptr<const StepCondition>> StepCondition::Compile(const std::string& text,
                                                                    const std::set<std::string>& known_steps) {
  ParseError err;
  auto root = ParseCondition(text, &err);
  if (!root) return Error{"at offset " + std::to_string(err.offset) + ": " + err.message};
  if (auto st = Check(*root, known_steps); !st) return st.error();
  return std::shared_ptr<const StepCondition>(new StepCondition(std::move(root)));
}

bool StepCondition::Eval(const Lookup& lookup) const { return EvalNode(*root_, lookup); }

}  // namespace riposte
