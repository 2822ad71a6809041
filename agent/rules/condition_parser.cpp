#include "rules/condition_parser.h"

#include <array>
#include <cctype>

namespace riposte {
namespace {

constexpr std::array<std::string_view, 5> kTransformers = {"tolower", "toupper", "b64", "basename", "len"};
// Word operators, longest first where one is a prefix of another.
constexpr std::array<std::string_view, 14> kWordOps = {
    "bstartswith", "startswith", "bcontains", "icontains", "contains", "endswith", "intersects",
    "pmatch", "iglob", "glob", "regex", "exists", "in", "val"};

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}
// What ends a bare (unquoted) value: once a value has started, '=' and '>' are part of
// it (TERM=xterm, 1.2.3.4:5->6.7.8.9:80).
bool EndsBare(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == '(' || c == ')' || c == ',' ||
         c == '"' || c == '\'';
}

class Parser {
 public:
  Parser(const std::string& text, ParseError* error) : s_(text), error_(error) {}

  std::unique_ptr<CondNode> Parse() {
    auto node = ParseOr();
    if (!node) return nullptr;
    SkipSpace();
    if (pos_ < s_.size()) return Fail("unexpected '" + Excerpt() + "'");
    return node;
  }

 private:
  std::unique_ptr<CondNode> Fail(const std::string& message) {
    if (error_ && !failed_) *error_ = {pos_, message};
    failed_ = true;
    return nullptr;
  }
  std::string Excerpt() const { return s_.substr(pos_, 20); }

  void SkipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  // Consumes `word` if it stands here as a whole word.
  bool Keyword(std::string_view word) {
    SkipSpace();
    if (s_.compare(pos_, word.size(), word) != 0) return false;
    size_t end = pos_ + word.size();
    if (end < s_.size() && (IsIdentChar(s_[end]))) return false;
    pos_ = end;
    return true;
  }
  bool Punct(char c) {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  std::unique_ptr<CondNode> Combine(CondNode::Kind kind, std::unique_ptr<CondNode> first, bool (Parser::*more)(),
                                    std::unique_ptr<CondNode> (Parser::*next)()) {
    if (!first) return nullptr;
    std::unique_ptr<CondNode> group;
    while ((this->*more)()) {
      auto rhs = (this->*next)();
      if (!rhs) return nullptr;
      if (!group) {
        group = std::make_unique<CondNode>();
        group->kind = kind;
        group->offset = first->offset;
        group->children.push_back(std::move(first));
      }
      group->children.push_back(std::move(rhs));
    }
    return group ? std::move(group) : std::move(first);
  }
  bool OrKeyword() { return Keyword("or"); }
  bool AndKeyword() { return Keyword("and"); }

  std::unique_ptr<CondNode> ParseOr() { return Combine(CondNode::Kind::kOr, ParseAnd(), &Parser::OrKeyword, &Parser::ParseAnd); }
  std::unique_ptr<CondNode> ParseAnd() { return Combine(CondNode::Kind::kAnd, ParseNot(), &Parser::AndKeyword, &Parser::ParseNot); }

  // Nesting bound, as Falco's (1000): deeper input would exhaust the stack, here and in
  // every later stage that walks the tree.
  static constexpr int kMaxDepth = 1000;
  struct DepthGuard {
    explicit DepthGuard(int& d) : d_(d) { ++d_; }
    ~DepthGuard() { --d_; }
    int& d_;
  };

  std::unique_ptr<CondNode> ParseNot() {
    DepthGuard guard(depth_);
    if (depth_ > kMaxDepth) return Fail("the condition nests more than " + std::to_string(kMaxDepth) + " levels deep");
    SkipSpace();
    size_t at = pos_;
    if (Keyword("not")) {
      auto inner = ParseNot();
      if (!inner) return nullptr;
      auto node = std::make_unique<CondNode>();
      node->kind = CondNode::Kind::kNot;
      node->offset = at;
      node->children.push_back(std::move(inner));
      return node;
    }
    return ParsePrimary();
  }

  std::unique_ptr<CondNode> ParsePrimary() {
    SkipSpace();
    size_t at = pos_;
    if (pos_ >= s_.size()) return Fail("unexpected end of condition");
    if (Punct('(')) {
      auto inner = ParseOr();
      if (!inner) return nullptr;
      if (!Punct(')')) return Fail("expected ')'");
      return inner;
    }
    if (!IsIdentStart(s_[pos_])) return Fail("expected a field, a macro or '(' but found '" + Excerpt() + "'");
    FieldRef field;
    if (!ParseFieldRef(field)) return nullptr;
    // A bare name with no operator after it is a macro.
    SkipSpace();
    std::string op = PeekOperator();
    if (op.empty()) {
      if (field.transformers.empty() && !field.has_arg && field.name.find('.') == std::string::npos) {
        auto node = std::make_unique<CondNode>();
        node->kind = CondNode::Kind::kMacro;
        node->offset = at;
        node->macro = field.name;
        return node;
      }
      return Fail("expected an operator after '" + field.ToString() + "'");
    }
    auto node = std::make_unique<CondNode>();
    node->kind = CondNode::Kind::kCheck;
    node->offset = at;
    node->field = std::move(field);
    node->op = op;
    pos_ += op.size();
    if (node->op == "==") node->op = "=";
    if (IsUnaryOperator(node->op)) return node;
    SkipSpace();
    if (IsListOperator(node->op) || (pos_ < s_.size() && s_[pos_] == '(' && node->op != "=" && node->op != "!=")) {
      if (!Punct('(')) return Fail("'" + node->op + "' needs a list in parentheses");
      node->list_operand = true;
      SkipSpace();
      if (Punct(')')) return node;  // empty list
      while (true) {
        Operand v;
        if (!ParseOperand(v)) return nullptr;
        node->operands.push_back(std::move(v));
        if (Punct(',')) continue;
        if (Punct(')')) break;
        return Fail("expected ',' or ')' in list");
      }
      return node;
    }
    Operand v;
    if (!ParseOperand(v)) return nullptr;
    node->operands.push_back(std::move(v));
    return node;
  }

  // proc.name, proc.aname[2], tolower(proc.name), val(...) is not a field here.
  bool ParseFieldRef(FieldRef& out) {
    SkipSpace();
    size_t start = pos_;
    while (pos_ < s_.size() && IsIdentChar(s_[pos_])) ++pos_;
    std::string name = s_.substr(start, pos_ - start);
    if (name.empty()) {
      Fail("expected a field name");
      return false;
    }
    // A transformer: name(field)
    for (auto t : kTransformers) {
      if (name == t && pos_ < s_.size() && s_[pos_] == '(') {
        ++pos_;
        if (!ParseFieldRef(out)) return false;
        if (!Punct(')')) {
          Fail("expected ')' after the argument of " + name + "()");
          return false;
        }
        out.transformers.insert(out.transformers.begin(), name);
        return true;
      }
    }
    out.name = std::move(name);
    if (pos_ < s_.size() && s_[pos_] == '[') {
      size_t close = s_.find(']', pos_);
      if (close == std::string::npos) {
        Fail("missing ']' after field argument");
        return false;
      }
      out.arg = s_.substr(pos_ + 1, close - pos_ - 1);
      out.has_arg = true;
      pos_ = close + 1;
    }
    return true;
  }

  std::string PeekOperator() {
    static constexpr std::array<std::string_view, 7> symbols = {"==", "!=", "<=", ">=", "=", "<", ">"};
    for (auto sym : symbols)
      if (s_.compare(pos_, sym.size(), sym) == 0) return std::string(sym);
    for (auto w : kWordOps) {
      if (w == "val") continue;
      if (s_.compare(pos_, w.size(), w) == 0) {
        size_t end = pos_ + w.size();
        if (end >= s_.size() || !IsIdentChar(s_[end])) return std::string(w);
      }
    }
    return {};
  }

  bool ParseOperand(Operand& out) {
    SkipSpace();
    if (pos_ >= s_.size()) {
      Fail("expected a value");
      return false;
    }
    char c = s_[pos_];
    if (c == '"' || c == '\'') {
      ++pos_;
      std::string v;
      while (pos_ < s_.size() && s_[pos_] != c) {
        if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) {
          char n = s_[pos_ + 1];
          if (n == c || n == '\\') {
            v += n;
            pos_ += 2;
            continue;
          }
        }
        v += s_[pos_++];
      }
      if (pos_ >= s_.size()) {
        Fail("unterminated string");
        return false;
      }
      ++pos_;
      out.text = std::move(v);
      out.quoted = true;
      return true;
    }
    if (s_.compare(pos_, 4, "val(") == 0) {
      pos_ += 4;
      if (!ParseFieldRef(out.field)) return false;
      if (!Punct(')')) {
        Fail("expected ')' after val(");
        return false;
      }
      out.is_field = true;
      return true;
    }
    size_t start = pos_;
    while (pos_ < s_.size() && !EndsBare(s_[pos_])) ++pos_;
    if (pos_ == start) {
      Fail("expected a value but found '" + Excerpt() + "'");
      return false;
    }
    out.text = s_.substr(start, pos_ - start);
    return true;
  }

  const std::string& s_;
  ParseError* error_;
  size_t pos_ = 0;
  bool failed_ = false;
  int depth_ = 0;
};

void Append(std::string& out, const CondNode& n);

}  // namespace

bool IsListOperator(std::string_view op) { return op == "in" || op == "intersects" || op == "pmatch"; }
bool IsUnaryOperator(std::string_view op) { return op == "exists"; }

std::unique_ptr<CondNode> ParseCondition(const std::string& text, ParseError* error) {
  return Parser(text, error).Parse();
}

std::string FieldRef::ToString() const {
  std::string s = name;
  if (has_arg) s += "[" + arg + "]";
  for (auto it = transformers.rbegin(); it != transformers.rend(); ++it) s = *it + "(" + s + ")";
  return s;
}

std::unique_ptr<CondNode> CondNode::Clone() const {
  auto n = std::make_unique<CondNode>();
  n->kind = kind;
  n->offset = offset;
  n->field = field;
  n->op = op;
  n->operands = operands;
  n->list_operand = list_operand;
  n->macro = macro;
  for (const auto& c : children) n->children.push_back(c->Clone());
  return n;
}

namespace {
// A quoted operand as the parser reads it back: backslashes and quotes escaped.
std::string Quote(const std::string& text) {
  std::string q = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + '"';
}

void Append(std::string& out, const CondNode& n) {
  switch (n.kind) {
    case CondNode::Kind::kAnd:
    case CondNode::Kind::kOr: {
      out += '(';
      for (size_t i = 0; i < n.children.size(); ++i) {
        if (i) out += n.kind == CondNode::Kind::kAnd ? " and " : " or ";
        Append(out, *n.children[i]);
      }
      out += ')';
      return;
    }
    case CondNode::Kind::kNot:
      out += "not ";
      Append(out, *n.children[0]);
      return;
    case CondNode::Kind::kMacro:
      out += n.macro;
      return;
    case CondNode::Kind::kCheck: {
      out += n.field.ToString() + " " + n.op;
      auto operand = [&](const Operand& o) {
        if (o.is_field) out += "val(" + o.field.ToString() + ")";
        else if (o.quoted) out += Quote(o.text);
        else out += o.text;
      };
      if (n.list_operand) {
        out += " (";
        for (size_t i = 0; i < n.operands.size(); ++i) {
          if (i) out += ", ";
          operand(n.operands[i]);
        }
        out += ")";
      } else if (!n.operands.empty()) {
        out += " ";
        operand(n.operands[0]);
      }
      return;
    }
  }
}
}  // namespace

std::string CondNode::ToString() const {
  std::string out;
  Append(out, *this);
  return out;
}

}  // namespace riposte
