#include "rules/field_check.h"

#include <arpa/inet.h>
#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include <re2/re2.h>

#include "rules/field_registry.h"

namespace riposte {
namespace {

enum class Op {
  kEq, kNe, kLt, kLe, kGt, kGe, kContains, kIContains, kBContains, kStartsWith, kBStartsWith,
  kEndsWith, kGlob, kIGlob, kPMatch, kIn, kIntersects, kExists, kRegex,
};

std::optional<Op> ParseOp(std::string_view s) {
  static const std::pair<std::string_view, Op> ops[] = {
      {"=", Op::kEq}, {"!=", Op::kNe}, {"<", Op::kLt}, {"<=", Op::kLe}, {">", Op::kGt}, {">=", Op::kGe},
      {"contains", Op::kContains}, {"icontains", Op::kIContains}, {"bcontains", Op::kBContains},
      {"startswith", Op::kStartsWith}, {"bstartswith", Op::kBStartsWith}, {"endswith", Op::kEndsWith},
      {"glob", Op::kGlob}, {"iglob", Op::kIGlob}, {"pmatch", Op::kPMatch}, {"in", Op::kIn},
      {"intersects", Op::kIntersects}, {"exists", Op::kExists}, {"regex", Op::kRegex}};
  for (auto [name, op] : ops)
    if (name == s) return op;
  return std::nullopt;
}

bool IsNumericOp(Op op) {
  switch (op) {
    case Op::kEq: case Op::kNe: case Op::kLt: case Op::kLe: case Op::kGt: case Op::kGe: case Op::kIn:
    case Op::kIntersects:
      return true;
    default:
      return false;
  }
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}


std::optional<std::string> HexBytes(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = std::isxdigit(static_cast<unsigned char>(hex[i])) ? std::stoi(std::string(hex.substr(i, 1)), nullptr, 16) : -1;
    int lo = std::isxdigit(static_cast<unsigned char>(hex[i + 1])) ? std::stoi(std::string(hex.substr(i + 1, 1)), nullptr, 16) : -1;
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

struct Network {
  int family = 0;
  uint8_t addr[16] = {};
  int prefix = 0;
};

std::optional<Network> ParseNetwork(std::string_view text) {
  Network n;
  std::string s(text);
  auto slash = s.find('/');
  std::string ip = s.substr(0, slash);
  if (inet_pton(AF_INET, ip.c_str(), n.addr) == 1) {
    n.family = AF_INET;
    n.prefix = 32;
  } else if (inet_pton(AF_INET6, ip.c_str(), n.addr) == 1) {
    n.family = AF_INET6;
    n.prefix = 128;
  } else {
    return std::nullopt;
  }
  if (slash != std::string::npos) {
    auto p = ParseInt(s.substr(slash + 1));
    if (!p || *p < 0 || *p > n.prefix) return std::nullopt;
    n.prefix = static_cast<int>(*p);
  }
  return n;
}

bool InNetwork(std::string_view ip_text, const Network& net) {
  uint8_t addr[16] = {};
  std::string ip(ip_text);
  int family = inet_pton(AF_INET, ip.c_str(), addr) == 1 ? AF_INET
               : inet_pton(AF_INET6, ip.c_str(), addr) == 1 ? AF_INET6 : 0;
  if (family != net.family) return false;
  int bits = net.prefix;
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((addr[i] & mask) != (net.addr[i] & mask)) return false;
  }
  return true;
}

std::string NormalizeIp(std::string_view text) {
  auto n = ParseNetwork(text);
  if (!n || text.find('/') != std::string_view::npos) return std::string(text);
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(n->family, n->addr, buf, sizeof(buf));
  return buf;
}

std::string Base64Decode(std::string_view in) {
  static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    auto pos = chars.find(c);
    if (pos == std::string::npos) break;
    val = (val << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out += static_cast<char>((val >> bits) & 0xff);
      bits -= 8;
    }
  }
  return out;
}

// Lets `in` look a string_view up without building a std::string per event.
struct ViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class FieldCheck : public Filter {
  static constexpr size_t kLinearSetMax = 8;

 public:
  FieldCheck(ResolvedField lhs, Op op, FieldType type) : lhs_(std::move(lhs)), op_(op), type_(type) {}

  Status AddOperands(const CondNode& node, const FieldRegistry& fields) {
    for (const auto& o : node.operands) {
      if (o.is_field) {
        auto rhs = ResolveField(o.field, fields);
        if (!rhs) return rhs.error();
        rhs_field_ = std::move(*rhs);
        has_rhs_field_ = true;
        continue;
      }
      std::string v = o.text;
      if (type_ == FieldType::kInt) {
        auto n = ParseInt(v);
        if (!n) {
          if (v == "true" || v == "false") n = v == "true";
          else return Error{"'" + v + "' is not a number, and " + lhs_.def->name.data() + " is numeric"};
        }
        nums_.push_back(*n);
      } else if (type_ == FieldType::kBool) {
        if (v != "true" && v != "false") return Error{"'" + v + "' is not true or false"};
      } else if (type_ == FieldType::kIpNet) {
        auto net = ParseNetwork(v);
        if (!net) return Error{"'" + v + "' is not an IP address or network"};
        nets_.push_back(*net);
      } else if (type_ == FieldType::kIpAddr) {
        v = NormalizeIp(v);
      }
      if (op_ == Op::kBContains || op_ == Op::kBStartsWith) {
        auto bytes = HexBytes(v);
        if (!bytes) return Error{"'" + v + "' is not a hex byte string"};
        v = *bytes;
      }
      if (op_ == Op::kIContains || op_ == Op::kIGlob) v = Lower(v);
      if (op_ == Op::kRegex) {
        regex_ = std::make_unique<re2::RE2>(v, re2::RE2::Quiet);
        if (!regex_->ok()) return Error{"bad regex '" + v + "': " + regex_->error()};
      }
      strings_.push_back(v);
      if (type_ == FieldType::kString)
        if (auto n = ParseInt(o.text)) nums_.push_back(*n);
    }
    all_numeric_ = !nums_.empty() && nums_.size() == strings_.size();
    if (op_ == Op::kIn || op_ == Op::kIntersects) set_.insert(strings_.begin(), strings_.end());
    if (op_ == Op::kPMatch) {
      for (auto& p : strings_) {
        while (p.size() > 1 && p.back() == '/') p.pop_back();
        set_.insert(p);
      }
    }
    if (op_ != Op::kExists && strings_.empty() && !has_rhs_field_ && op_ != Op::kIn && op_ != Op::kIntersects)
      return Error{"operator needs a value"};
    return Status::Ok();
  }

  bool Eval(EvalContext& ctx) const override {
    thread_local std::vector<FieldValue> values;
    values.clear();
    ExtractField(lhs_, ctx, values);
    if (values.empty()) return false;
    if (op_ == Op::kExists) return true;
    if (has_rhs_field_) return EvalAgainstField(ctx, values);
    if (op_ == Op::kIn && lhs_.def->many == Multiplicity::kList && !lhs_.arg.present) {
      for (const auto& v : values)  // a list is "in" a set when all its values are
        if (!Matches(v)) return false;
      return true;
    }
    for (const auto& v : values)
      if (Matches(v)) return true;
    return false;
  }

 private:
  bool Matches(const FieldValue& v) const {
    if (type_ == FieldType::kInt) return MatchNumber(v.num);
    if (type_ == FieldType::kIpNet && op_ != Op::kExists) {
      bool in = std::any_of(nets_.begin(), nets_.end(), [&](const Network& n) { return InNetwork(v.str, n); });
      return op_ == Op::kNe ? !in : in;
    }
    if (v.numeric != FieldValue::Numeric::kNo && all_numeric_ && IsNumericOp(op_)) return MatchNumber(v.num);
    const std::string_view s = v.str;
    switch (op_) {
      case Op::kEq: return s == strings_[0];
      case Op::kNe: return s != strings_[0];
      case Op::kLt: return s < strings_[0];
      case Op::kLe: return s <= strings_[0];
      case Op::kGt: return s > strings_[0];
      case Op::kGe: return s >= strings_[0];
      case Op::kContains:
      case Op::kBContains: return s.find(strings_[0]) != std::string_view::npos;
      case Op::kIContains: return Lower(s).find(strings_[0]) != std::string::npos;
      case Op::kStartsWith:
      case Op::kBStartsWith: return s.starts_with(strings_[0]);
      case Op::kEndsWith: return s.ends_with(strings_[0]);
      case Op::kGlob: return fnmatch(strings_[0].c_str(), std::string(s).c_str(), 0) == 0;
      case Op::kIGlob: return fnmatch(strings_[0].c_str(), Lower(s).c_str(), 0) == 0;
      case Op::kRegex: return re2::RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *regex_);
      case Op::kIn:
      case Op::kIntersects:
        // A handful of items: comparing beats hashing (evt.type in (open, openat, openat2)).
        if (strings_.size() <= kLinearSetMax) {
          for (const auto& item : strings_)
            if (item.size() == s.size() && item == s) return true;
          return false;
        }
        return set_.find(s) != set_.end();
      case Op::kPMatch: {
        // The value, and each directory above it, looked up among the prefixes: a cost
        // of the path's depth, whatever the length of the list.
        if (set_.empty()) return false;
        if (set_.find(s) != set_.end()) return true;
        if (!s.empty() && s[0] == '/' && set_.find(std::string_view("/")) != set_.end()) return true;
        for (size_t slash = s.find('/', 1); slash != std::string_view::npos; slash = s.find('/', slash + 1))
          if (set_.find(s.substr(0, slash)) != set_.end()) return true;
        return false;
      }
      case Op::kExists: return true;
    }
    return false;
  }

  bool MatchNumber(int64_t n) const {
    switch (op_) {
      case Op::kEq: return n == nums_[0];
      case Op::kNe: return n != nums_[0];
      case Op::kLt: return n < nums_[0];
      case Op::kLe: return n <= nums_[0];
      case Op::kGt: return n > nums_[0];
      case Op::kGe: return n >= nums_[0];
      case Op::kIn:
      case Op::kIntersects: return std::find(nums_.begin(), nums_.end(), n) != nums_.end();
      default: return false;
    }
  }

  bool EvalAgainstField(EvalContext& ctx, const std::vector<FieldValue>& lhs) const {
    std::vector<FieldValue> rhs;
    ExtractField(rhs_field_, ctx, rhs);
    if (rhs.empty()) return false;
    for (const auto& l : lhs) {
      for (const auto& r : rhs) {
        bool eq = type_ == FieldType::kInt ? l.num == r.num : l.str == r.str;
        switch (op_) {
          case Op::kEq: if (eq) return true; break;
          case Op::kNe: if (!eq) return true; break;
          case Op::kContains: if (l.str.find(r.str) != std::string_view::npos) return true; break;
          case Op::kStartsWith: if (l.str.starts_with(r.str)) return true; break;
          case Op::kEndsWith: if (l.str.ends_with(r.str)) return true; break;
          case Op::kLt: if (type_ == FieldType::kInt ? l.num < r.num : l.str < r.str) return true; break;
          case Op::kGt: if (type_ == FieldType::kInt ? l.num > r.num : l.str > r.str) return true; break;
          case Op::kLe: if (type_ == FieldType::kInt ? l.num <= r.num : l.str <= r.str) return true; break;
          case Op::kGe: if (type_ == FieldType::kInt ? l.num >= r.num : l.str >= r.str) return true; break;
          default: if (eq) return true; break;
        }
      }
    }
    return false;
  }

  ResolvedField lhs_;
  Op op_;
  FieldType type_;
  std::vector<std::string> strings_;
  std::unordered_set<std::string, ViewHash, std::equal_to<>> set_;
  std::vector<int64_t> nums_;
  bool all_numeric_ = false;  // a string field's operands are all numbers (raw arguments compare as such)
  std::vector<Network> nets_;
  std::unique_ptr<re2::RE2> regex_;
  ResolvedField rhs_field_;
  bool has_rhs_field_ = false;
};

bool OpAllowed(Op op, FieldType type) {
  switch (type) {
    case FieldType::kInt:
      return op == Op::kEq || op == Op::kNe || op == Op::kLt || op == Op::kLe || op == Op::kGt ||
             op == Op::kGe || op == Op::kIn || op == Op::kIntersects || op == Op::kExists;
    case FieldType::kBool:
      return op == Op::kEq || op == Op::kNe || op == Op::kExists;
    case FieldType::kIpNet:
    case FieldType::kIpAddr:
      return op == Op::kEq || op == Op::kNe || op == Op::kIn || op == Op::kExists || op == Op::kIntersects;
    default:
      return true;
  }
}

}  // namespace

std::optional<int64_t> ParseInt(std::string_view s) {
  if (s.empty()) return std::nullopt;
  try {
    size_t used = 0;
    long long v = std::stoll(std::string(s), &used, 0);
    if (used != s.size()) return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

Result<ResolvedField> ResolveField(const FieldRef& ref, const FieldRegistry& fields) {
  ResolvedField out;
  std::string dynamic;
  out.def = fields.Find(ref.name, &dynamic);
  if (!out.def) return Error{"unknown field '" + ref.name + "'"};
  out.transformers = ref.transformers;
  const auto mode = out.def->arg_mode;
  if (!dynamic.empty()) {
    out.arg = {true, dynamic, -1};
  } else if (ref.has_arg) {
    if (mode == FieldArgMode::kNone) return Error{"field '" + ref.name + "' takes no argument"};
    out.arg.present = true;
    out.arg.key = ref.arg;
    if (auto n = ParseInt(ref.arg)) out.arg.index = *n;
    else if (mode == FieldArgMode::kOptionalIndex || mode == FieldArgMode::kRequiredIndex)
      return Error{"field '" + ref.name + "' needs a numeric index, not '" + ref.arg + "'"};
    if (out.def->name == "evt.arg" || out.def->name == "evt.rawarg") {
      if (out.arg.index >= 0) out.arg.key.clear();
    }
  } else if (mode == FieldArgMode::kRequiredIndex || mode == FieldArgMode::kRequiredKey) {
    return Error{"field '" + ref.name + "' needs an argument: " + ref.name + "[...]"};
  } else if ((out.def->name == "evt.arg" || out.def->name == "evt.rawarg")) {
    return Error{"field '" + ref.name + "' needs an argument name: " + ref.name + ".NAME"};
  }
  for (const auto& t : out.transformers)
    if (t != "tolower" && t != "toupper" && t != "b64" && t != "basename" && t != "len")
      return Error{"unknown transformer '" + t + "'"};
  return out;
}

void ExtractField(const ResolvedField& f, EvalContext& ctx, std::vector<FieldValue>& out) {
  size_t first = out.size();
  f.def->extract(ctx, f.arg, out);
  if (f.transformers.empty()) return;
  for (size_t i = first; i < out.size(); ++i) {
    // Innermost transformer first: transformers are stored outermost first.
    for (auto it = f.transformers.rbegin(); it != f.transformers.rend(); ++it) {
      std::string s(out[i].str);
      if (*it == "tolower") s = Lower(s);
      else if (*it == "toupper") for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      else if (*it == "b64") s = Base64Decode(s);
      else if (*it == "basename") { auto sl = s.rfind('/'); if (sl != std::string::npos) s = s.substr(sl + 1); }
      else if (*it == "len") { out[i].num = static_cast<int64_t>(out[i].str.size()); s = std::to_string(out[i].num); }
      out[i].str = ctx.Keep(std::move(s));
    }
  }
}

Result<std::unique_ptr<Filter>> CompileFieldCheck(const CondNode& node, const FieldRegistry& fields) {
  auto lhs = ResolveField(node.field, fields);
  if (!lhs) return lhs.error();
  auto op = ParseOp(node.op);
  if (!op) return Error{"unknown operator '" + node.op + "'"};
  FieldType type = lhs->def->type;
  if (std::find(lhs->transformers.begin(), lhs->transformers.end(), "len") != lhs->transformers.end())
    type = FieldType::kInt;
  if (!OpAllowed(*op, type))
    return Error{"operator '" + node.op + "' cannot be used with " + std::string(FieldTypeName(type)) +
                 " field '" + node.field.ToString() + "'"};
  auto check = std::make_unique<FieldCheck>(std::move(*lhs), *op, type);
  if (auto st = check->AddOperands(node, fields); !st) return st.error();
  return std::unique_ptr<Filter>(std::move(check));
}

}  // namespace riposte
