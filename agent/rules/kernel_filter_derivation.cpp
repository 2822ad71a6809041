#include "rules/kernel_filter_derivation.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <iterator>
#include <set>

#include "kernel/syscall_table.h"
#include "rules/event_type_folding.h"
#include "rules/field_check.h"
#include "state/fd_info.h"

namespace riposte {
namespace {

// ---- the abstract value: a union of (classes x paths) products ----

// Paths: nullopt is any path; a set holds prefixes of clean paths (an exact path ends in
// '\0'); an empty set matches no clean path, only paths that are not clean.
using PathSet = std::optional<std::set<std::string>>;

// Process names (proc.name): nullopt is any process.
using NameSet = std::optional<std::set<std::string>>;

struct Product {
  OpenClassSet classes;
  PathSet paths;
  NameSet names;
};
using Abstract = std::vector<Product>;

constexpr size_t kMaxProducts = 64;
constexpr int64_t kMaxFd = std::numeric_limits<int32_t>::max();

OpenClassSet AllClasses() { return OpenClassSet().set(); }
Abstract Top() { return {Product{AllClasses(), std::nullopt, std::nullopt}}; }

// Paths under both: for each pair, the longer when one is a prefix of the other.
PathSet Intersect(const PathSet& a, const PathSet& b) {
  if (!a) return b;
  if (!b) return a;
  std::set<std::string> out;
  for (const auto& p : *a)
    for (const auto& q : *b) {
      if (p.starts_with(q)) out.insert(p);
      else if (q.starts_with(p)) out.insert(q);
    }
  return out;
}

NameSet IntersectNames(const NameSet& a, const NameSet& b) {
  if (!a) return b;
  if (!b) return a;
  std::set<std::string> out;
  std::set_intersection(a->begin(), a->end(), b->begin(), b->end(), std::inserter(out, out.begin()));
  return out;
}

PathSet Union(const PathSet& a, const PathSet& b) {
  if (!a || !b) return std::nullopt;
  std::set<std::string> out = *a;
  out.insert(b->begin(), b->end());
  return out;
}

// Drops products that match nothing, merges those with the same paths and names, and
// bounds the size (a collapse only widens). A product with an empty path set is kept: it
// matches no clean path, but it still matches on the paths the kernel cannot judge, and
// the kernel must know its classes and names to send those.
Abstract Normalize(Abstract in) {
  Abstract out;
  for (auto& p : in) {
    if (p.classes.none() || (p.names && p.names->empty())) continue;
    auto same = std::find_if(out.begin(), out.end(),
                             [&](const Product& o) { return o.paths == p.paths && o.names == p.names; });
    if (same != out.end()) same->classes |= p.classes;
    else out.push_back(std::move(p));
  }
  if (out.size() > kMaxProducts) {
    Product all{OpenClassSet(), std::set<std::string>(), std::set<std::string>()};
    for (const auto& p : out) {
      all.classes |= p.classes;
      all.paths = Union(all.paths, p.paths);
      all.names = Union(all.names, p.names);
    }
    out = {all};
  }
  return out;
}

Abstract And(const Abstract& a, const Abstract& b) {
  Abstract out;
  for (const auto& x : a)
    for (const auto& y : b)
      out.push_back(Product{x.classes & y.classes, Intersect(x.paths, y.paths), IntersectNames(x.names, y.names)});
  return Normalize(std::move(out));
}

Abstract Or(Abstract a, const Abstract& b) {
  a.insert(a.end(), b.begin(), b.end());
  return Normalize(std::move(a));
}

// ---- checks on the open's class ----

enum class Truth { kFalse, kTrue, kMaybe };

struct ClassFacts {
  uint32_t acc;
  bool creat, directory, exec_mode, failed;
};

ClassFacts FactsOf(size_t cls) {
  return {static_cast<uint32_t>(cls & 3), (cls & RP_OPEN_CLASS_CREAT) != 0, (cls & RP_OPEN_CLASS_DIRECTORY) != 0,
          (cls & RP_OPEN_CLASS_EXEC_MODE) != 0, (cls & RP_OPEN_CLASS_FAILED) != 0};
}


// x op k for some x in [lo, hi]: true for all, none, or some.
Truth CompareRange(int64_t lo, int64_t hi, const std::string& op, int64_t k) {
  auto all = [&](bool lo_ok, bool hi_ok, bool any) { return lo_ok && hi_ok ? Truth::kTrue : any ? Truth::kMaybe : Truth::kFalse; };
  if (op == "=" || op == "==") {
    if (lo == hi) return lo == k ? Truth::kTrue : Truth::kFalse;
    return k >= lo && k <= hi ? Truth::kMaybe : Truth::kFalse;
  }
  if (op == "!=") {
    Truth eq = CompareRange(lo, hi, "=", k);
    return eq == Truth::kTrue ? Truth::kFalse : eq == Truth::kFalse ? Truth::kTrue : Truth::kMaybe;
  }
  if (op == "<") return all(lo < k, hi < k, lo < k);
  if (op == "<=") return all(lo <= k, hi <= k, lo <= k);
  if (op == ">") return all(lo > k, hi > k, hi > k);
  if (op == ">=") return all(lo >= k, hi >= k, hi >= k);
  return Truth::kMaybe;
}

Truth AnyOf(const std::vector<Truth>& ts) {
  bool maybe = false;
  for (Truth t : ts) {
    if (t == Truth::kTrue) return Truth::kTrue;
    if (t == Truth::kMaybe) maybe = true;
  }
  return maybe ? Truth::kMaybe : Truth::kFalse;
}

bool LiteralOperands(const CondNode& c) {
  return std::none_of(c.operands.begin(), c.operands.end(), [](const Operand& o) { return o.is_field; });
}

// A check whose value on an open is the same for every open of a class: its truth per
// class, and whether that truth is exact (the field always has a value on an open) or only
// an upper bound. nullopt: not such a check.
struct ClassCheck {
  std::vector<Truth> truth;  // per class
  bool exact;
};

// `type`: the open syscall the check is judged on (creat answers some fields otherwise).
std::optional<ClassCheck> ClassCheckOf(const CondNode& c, std::string_view type) {
  const bool creat = type == "creat";
  const std::string& f = c.field.name;
  const std::string& op = c.op;
  const bool set_op = op == "in";
  if (!(op == "=" || op == "==" || op == "!=" || set_op || op == "<" || op == "<=" || op == ">" || op == ">=" ||
        op == "startswith"))
    return std::nullopt;
  std::vector<std::string> ks;
  for (const auto& o : c.operands) ks.push_back(o.text);
  if (ks.empty()) return std::nullopt;
  ClassCheck out{std::vector<Truth>(RP_OPEN_CLASSES, Truth::kMaybe), true};

  // One value per class: compare it as the field check would, by op.
  auto by_string = [&](auto value_of, bool exact) -> std::optional<ClassCheck> {
    if (!(op == "=" || op == "==" || op == "!=" || set_op) || (!set_op && ks.size() != 1)) return std::nullopt;
    for (size_t cls = 0; cls < RP_OPEN_CLASSES; ++cls) {
      std::optional<std::string> v = value_of(FactsOf(cls));
      if (!v) {
        out.truth[cls] = Truth::kFalse;  // no value: the check is false
        continue;
      }
      bool hit = std::find(ks.begin(), ks.end(), *v) != ks.end();
      out.truth[cls] = (op == "!=") != hit ? Truth::kTrue : Truth::kFalse;
    }
    out.exact = exact;
    return out;
  };
  auto by_bool = [&](auto value_of) -> std::optional<ClassCheck> {
    if (ks.size() != 1 || (ks[0] != "true" && ks[0] != "false") || !(op == "=" || op == "==" || op == "!="))
      return std::nullopt;
    const bool want = (ks[0] == "true") != (op == "!=");
    for (size_t cls = 0; cls < RP_OPEN_CLASSES; ++cls)
      out.truth[cls] = value_of(FactsOf(cls)) == want ? Truth::kTrue : Truth::kFalse;
    return out;
  };
  auto by_range = [&](auto range_of) -> std::optional<ClassCheck> {
    if (op == "startswith") return std::nullopt;
    std::vector<int64_t> nums;
    for (const auto& k : ks) {
      auto n = ParseInt(k);
      if (!n) return std::nullopt;
      nums.push_back(*n);
    }
    if (!set_op && nums.size() != 1) return std::nullopt;
    for (size_t cls = 0; cls < RP_OPEN_CLASSES; ++cls) {
      auto [lo, hi] = range_of(FactsOf(cls));
      std::vector<Truth> ts;
      for (int64_t n : nums) ts.push_back(CompareRange(lo, hi, set_op ? "=" : op, n));
      out.truth[cls] = AnyOf(ts);
    }
    return out;
  };


  // creat's event has no flags parameter: never an open for reading or writing.
  if (f == "evt.is_open_read") return by_bool([creat](const ClassFacts& x) { return !creat && (x.acc == 0 || x.acc == 2); });
  if (f == "evt.is_open_write") return by_bool([creat](const ClassFacts& x) { return !creat && (x.acc == 1 || x.acc == 2); });
  // The kernel sets EXEC_MODE exactly when the field is true (creating, with an execute bit).
  if (f == "evt.is_open_exec") return by_bool([](const ClassFacts& x) { return x.exec_mode; });
  if (f == "evt.failed") return by_bool([](const ClassFacts& x) { return x.failed; });
  if (f == "fd.num")  // the returned fd, or -1 for a failed open
    return by_range([](const ClassFacts& x) { return x.failed ? std::pair<int64_t, int64_t>{-1, -1}
                                                              : std::pair<int64_t, int64_t>{0, kMaxFd}; });
  if (f == "evt.rawres")
    return by_range([](const ClassFacts& x) { return x.failed ? std::pair<int64_t, int64_t>{-4095, -1}
                                                              : std::pair<int64_t, int64_t>{0, kMaxFd}; });
  if (f == "evt.res") {
    // SUCCESS, or an errno's name: which one the class does not say.
    for (size_t cls = 0; cls < RP_OPEN_CLASSES; ++cls) {
      const bool failed = FactsOf(cls).failed;
      std::vector<Truth> ts;
      for (const auto& k : ks) {
        Truth t;
        if (op == "startswith") t = failed ? Truth::kMaybe : (std::string_view("SUCCESS").starts_with(k) ? Truth::kTrue : Truth::kFalse);
        else if (op == "<" || op == "<=" || op == ">" || op == ">=") return std::nullopt;
        else t = failed ? (k == "SUCCESS" ? Truth::kFalse : Truth::kMaybe) : (k == "SUCCESS" ? Truth::kTrue : Truth::kFalse);
        ts.push_back(t);
      }
      if (op != "in" && ks.size() != 1) return std::nullopt;
      Truth t = AnyOf(ts);
      if (op == "!=") t = t == Truth::kTrue ? Truth::kFalse : t == Truth::kFalse ? Truth::kTrue : Truth::kMaybe;
      out.truth[cls] = t;
    }
    return out;
  }
  // The fd's type: only an upper bound (an fd table at its bound has no entry for the fd).
  if (f == "fd.typechar")
    return by_string(
        [type](const ClassFacts& x) -> std::optional<std::string> {
          // A failed open has no fd: the character is the event type's guess.
          if (x.failed) return std::string(type == "open" ? "o" : "f");
          return std::string(FdTypeChar(x.directory ? FdType::kDirectory : FdType::kFile));
        },
        false);
  if (f == "fd.type")
    return by_string(
        [](const ClassFacts& x) -> std::optional<std::string> {
          if (x.failed) return std::nullopt;
          return std::string(FdTypeName(x.directory ? FdType::kDirectory : FdType::kFile));
        },
        false);
  return std::nullopt;
}

// ---- checks on the path ----

size_t FirstGlobChar(const std::string& s) { return s.find_first_of("*?[\\"); }

// The clean paths a check on fd.name, fd.nameraw or fd.directory can be true for (on a
// clean path, the three agree with the path as passed); nullopt: any path.
PathSet PathCheckOf(const CondNode& c) {
  const std::string& f = c.field.name;
  const bool name = f == "fd.name" || f == "fd.nameraw";
  const bool directory = f == "fd.directory";
  if (!name && !directory) return std::nullopt;
  std::set<std::string> out;
  auto exact = [&](const std::string& k) {
    if (!IsCleanPath(k)) return;  // no clean path equals it
    if (name) {
      out.insert(k + '\0');
    } else {  // the directory itself (a directory fd), or a file right in it
      out.insert(k + '\0');
      out.insert(k == "/" ? k : k + "/");
    }
  };
  auto prefix = [&](const std::string& k) -> bool {
    if (k.empty()) return false;  // every path
    if (k[0] != '/') return true;  // no clean path starts so
    out.insert(k);
    return true;
  };
  const std::string& op = c.op;
  if (op == "=" || op == "==" || op == "in") {
    for (const auto& o : c.operands) exact(o.text);
    return out;
  }
  if (op == "startswith" || op == "pmatch" || (op == "glob" && name)) {
    for (const auto& o : c.operands) {
      std::string k = o.text;
      if (op != "startswith") {
        size_t g = FirstGlobChar(k);
        if (op == "glob" && g == std::string::npos) {
          exact(k);
          continue;
        }
        if (g != std::string::npos) k = k.substr(0, g);
      }
      if (!prefix(k)) return std::nullopt;
    }
    return out;
  }
  if (op == "contains" && name) {
    // A clean path holds none of these: the check is true only on paths sent anyway.
    for (const auto& o : c.operands)
      if (o.text.find("..") == std::string::npos && o.text.find("//") == std::string::npos &&
          o.text.find("/./") == std::string::npos)
        return std::nullopt;
    return out;
  }
  return std::nullopt;
}

// ---- checks on the process' name ----

// proc.name is the comm at the process' last exec (15 characters at most): the names a
// check on it can be true for; nullopt: any.
NameSet NameCheckOf(const CondNode& c) {
  if (c.field.name != "proc.name" || !(c.op == "=" || c.op == "==" || c.op == "in")) return std::nullopt;
  std::set<std::string> out;
  for (const auto& o : c.operands)
    if (!o.text.empty() && o.text.size() < RP_COMM_LEN && o.text.find('\0') == std::string::npos) out.insert(o.text);
  return out;
}

// ---- the walk ----

Abstract Analyze(const CondNode& n, bool negated, std::string_view type) {
  switch (n.kind) {
    case CondNode::Kind::kNot:
      return n.children.empty() ? Top() : Analyze(*n.children[0], !negated, type);
    case CondNode::Kind::kAnd:
    case CondNode::Kind::kOr: {
      const bool conj = (n.kind == CondNode::Kind::kAnd) != negated;  // De Morgan
      Abstract acc = conj ? Top() : Abstract{};
      for (const auto& ch : n.children) {
        Abstract a = Analyze(*ch, negated, type);
        acc = conj ? And(acc, a) : Or(std::move(acc), a);
      }
      return acc;
    }
    case CondNode::Kind::kMacro:
      return Top();
    case CondNode::Kind::kCheck:
      break;
  }
  if (!n.field.transformers.empty() || n.field.has_arg || !LiteralOperands(n)) return Top();
  if (auto cc = ClassCheckOf(n, type)) {
    OpenClassSet s;
    for (size_t cls = 0; cls < RP_OPEN_CLASSES; ++cls) {
      Truth t = cc->truth[cls];
      // Possible when not negated; when negated, possible unless surely true (and only an
      // exact check is ever sure).
      bool possible = negated ? !(cc->exact && t == Truth::kTrue) : t != Truth::kFalse;
      if (possible) s.set(cls);
    }
    return Normalize({Product{s, std::nullopt, std::nullopt}});
  }
  if (!negated) {
    PathSet p = PathCheckOf(n);
    if (p) return Normalize({Product{AllClasses(), p, std::nullopt}});
    NameSet names = NameCheckOf(n);
    if (names) return Normalize({Product{AllClasses(), std::nullopt, names}});
  }
  return Top();
}

// ---- what else reads the state an unsent open leaves out ----

std::string AsWritten(const FieldRef& f) { return f.has_arg ? f.name + "[" + f.arg + "]" : f.name; }

void FieldsOf(const CondNode& n, std::set<std::string>& out) {
  if (n.kind == CondNode::Kind::kCheck) {
    out.insert(AsWritten(n.field));
    for (const auto& o : n.operands)
      if (o.is_field) out.insert(AsWritten(o.field));
  }
  for (const auto& ch : n.children) FieldsOf(*ch, out);
}

// A dirfd argument names a directory (or AT_FDCWD), and opens of directories are always
// sent; an fd argument may name a file whose open was left out.
bool IsFdKind(ArgKind k) { return k == ArgKind::kFd; }

// fd fields with a value only for a socket: an fd a left-out open made is a file, for
// which they have none whether userspace knows the fd or not. (fd.l4proto is not one: a
// file's is "<NA>", as Falco's.)
bool SocketOnly(const std::string& f) {
  static const std::set<std::string, std::less<>> kFields = {
      "fd.sockfamily", "fd.connected", "fd.lip", "fd.rip", "fd.sip", "fd.cip",
      "fd.ip", "fd.lport", "fd.rport", "fd.sport", "fd.cport", "fd.port", "fd.lnet", "fd.rnet", "fd.snet",
      "fd.cnet", "fd.net", "fd.lip.name", "fd.rip.name", "fd.sip.name", "fd.cip.name", "fd.lproto", "fd.rproto",
      "fd.sproto", "fd.cproto", "fd.proto"};
  return kFields.count(f) > 0;
}

// fd fields read from the event's own arguments, not from the fd table.
bool FromArguments(const std::string& f) { return f == "fd.num" || f == "fd.uid"; }

bool AnyFdArgument(const SyscallInfo& s) {
  return std::any_of(s.args.begin(), s.args.end(), [](const ArgInfo& a) { return IsFdKind(a.kind); });
}

// Whether a field (as written) reads the description of an fd the syscall names: the
// fd.* fields, and an argument rendered with its fd's name (evt.arg.fd, evt.arg[0],
// evt.args). A raw argument (evt.rawarg.*) is a number.
bool ReadsFdDescription(const std::string& f, const SyscallInfo& s) {
  if (f.starts_with("fd.")) return AnyFdArgument(s) && !SocketOnly(f) && !FromArguments(f);
  if (f.starts_with("fdlist.") || f.starts_with("fs.path.") || f.starts_with("evt.abspath")) return true;
  if (f == "evt.args" || f == "evt.info") return AnyFdArgument(s);
  std::string key;
  if (f.starts_with("evt.arg.")) key = f.substr(8);
  else if (f.starts_with("evt.arg[") && f.back() == ']') key = f.substr(8, f.size() - 9);
  else return false;
  // By position: Falco's parameter order is not the syscall's, so any fd argument counts.
  if (!key.empty() && std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return AnyFdArgument(s);
  return (AnyFdArgument(s) && key.find("fd") != std::string::npos) ||
         std::any_of(s.args.begin(), s.args.end(), [&](const ArgInfo& a) { return a.name == key && IsFdKind(a.kind); });
}

// Whether a condition can be true only for an event whose fd is a socket: a check, not
// under a negation, that a file's fd fails (a socket-only field, which a file has no value
// for, or fd.type/fd.typechar naming no file type), in every branch.
bool RequiresSocketFd(const CondNode& n) {
  switch (n.kind) {
    case CondNode::Kind::kAnd:
      return std::any_of(n.children.begin(), n.children.end(), [](const auto& c) { return RequiresSocketFd(*c); });
    case CondNode::Kind::kOr:
      return !n.children.empty() &&
             std::all_of(n.children.begin(), n.children.end(), [](const auto& c) { return RequiresSocketFd(*c); });
    case CondNode::Kind::kCheck:
      break;
    default:
      return false;
  }
  if (n.field.has_arg || !n.field.transformers.empty()) return false;
  const std::string& f = n.field.name;
  if (SocketOnly(f)) return true;
  if ((f == "fd.typechar" || f == "fd.type") && (n.op == "=" || n.op == "==" || n.op == "in") && LiteralOperands(n)) {
    const char* file = f == "fd.type" ? "file" : "f";
    const char* dir = f == "fd.type" ? "directory" : "d";
    return std::none_of(n.operands.begin(), n.operands.end(),
                        [&](const Operand& o) { return o.text == file || o.text == dir; });
  }
  return false;
}

// fd.types[0..2] name the standard streams, whose opens are never left out; fd.types and
// a higher index can list an fd whose open was.
bool ReadsLeftOutFdTypes(const std::string& f) {
  if (!f.starts_with("fd.types")) return false;
  return !(f == "fd.types[0]" || f == "fd.types[1]" || f == "fd.types[2]");
}

bool ReadsFdTable(const std::string& f) {
  return ReadsLeftOutFdTypes(f) || f.starts_with("proc.stdin") || f.starts_with("proc.stdout") || f.starts_with("proc.stderr") ||
         f.starts_with("proc.fd") || f.starts_with("thread.fd");
}

bool IsOpenFamily(std::string_view t) { return t == "open" || t == "openat" || t == "openat2" || t == "creat"; }

}  // namespace

std::vector<std::string> CapturedSyscallsForRules(const RuleSet& rules) {
  bool any = false;
  std::set<std::string> out;
  for (const auto& t : rules.EventTypes(&any))
    if (FindSyscall(t)) out.insert(t);
  if (any)
    for (auto n : DefaultSyscalls()) out.emplace(n);
  for (auto n : StateSyscalls()) out.emplace(n);
  return {out.begin(), out.end()};
}

KernelFilterDerivation DeriveRecordFilter(const RuleSet& rules, const std::vector<std::string>& captured) {
  KernelFilterDerivation out;
  bool close_needed = false;
  std::string off_reason;
  for (const auto& r : rules.rules()) {
    if (!r->def.enabled) continue;
    std::set<std::string> fields, output_fields;
    FieldsOf(*r->expanded, fields);
    for (const auto& name : r->output.FieldNames()) output_fields.insert(name);
    for (const auto& extra : r->extra_fields) {
      if (extra.raw) output_fields.insert(extra.name);
      for (const auto& name : extra.format.FieldNames()) output_fields.insert(name);
    }
    // The types the rule can match, other than the opens themselves.
    std::vector<std::string> types;
    if (r->event_types) types.assign(r->event_types->begin(), r->event_types->end());
    else for (const auto& c : captured) types.push_back(c);
    if (!r->event_types || r->event_types->count("close")) close_needed = true;
    for (const auto& t : types) {
      if (IsOpenFamily(t) || !off_reason.empty()) continue;
      const SyscallInfo* s = FindSyscall(t);
      FoldedCondition folded = FoldEventType(*r->expanded, t);
      if (folded.constant && !*folded.constant) continue;
      if (folded.node && RequiresSocketFd(*folded.node)) continue;
      auto reads = [&](const std::string& f) { return ReadsFdTable(f) || (s && ReadsFdDescription(f, *s)); };
      for (const auto& f : fields)
        if (reads(f)) {
          off_reason = "rule '" + r->def.name + "' tests " + f + " on " + t +
                       ": an open left out could change its verdict, so every open is sent";
          break;
        }
      for (const auto& f : output_fields)
        if (reads(f) && out.output_fd_readers.insert(r->def.name).second)
          out.notes.push_back("rule '" + r->def.name + "' prints " + f + " on " + t +
                              ": an fd whose open was left out is described from /proc when it is used");
    }
  }
  if (!off_reason.empty()) {
    out.notes.push_back(off_reason);
    out.output_fd_readers.clear();
    return out;
  }
  for (const auto& t : captured) {
    if (!IsOpenFamily(t)) continue;
    Abstract all;
    std::string whole_by;
    for (const auto& r : rules.rules()) {
      if (!r->def.enabled || (r->event_types && !r->event_types->count(t))) continue;
      FoldedCondition folded = FoldEventType(*r->expanded, t);
      Abstract a = folded.constant ? (*folded.constant ? Top() : Abstract{}) : Analyze(*folded.node, false, t);
      OpenClassSet any_path;
      for (const auto& p : a)
        if (!p.paths && !p.names) any_path |= p.classes;
      if (any_path.all() && whole_by.empty()) whole_by = r->def.name;
      if (any_path.any() && !any_path.all())
        out.notes.push_back(t + ": rule '" + r->def.name + "' can match " + std::to_string(any_path.count()) +
                            " open classes on any path" + (any_path.test(0) ? " (plain reads among them)" : ""));
      all = Or(std::move(all), a);
    }
    if (!whole_by.empty()) {
      out.notes.push_back(t + ": sent whole: rule '" + whole_by + "' can match any open whatever its path and flags");
      continue;
    }
    OpenSyscallFilter filter;
    for (const auto& p : all) {
      if (!p.paths && !p.names) filter.any_path |= p.classes;
      else filter.clauses.push_back(OpenPathClause{p.classes, p.paths, p.names});
    }
    out.plan.open[t] = std::move(filter);
  }
  const bool close_captured = std::find(captured.begin(), captured.end(), "close") != captured.end();
  out.plan.close_untracked = close_captured && !close_needed && !out.plan.open.empty();
  if (close_captured && close_needed) out.notes.push_back("close: sent whole: a rule can match close");
  return out;
}

}  // namespace riposte
