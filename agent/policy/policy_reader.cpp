#include "policy/policy_reader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/duration_text.h"
#include "common/yaml_files.h"
#include "common/yaml_syntax.h"
#include "kernel/syscall_table.h"

namespace riposte {
namespace {

// "process.kill" (or "a, b"): the actions the catalogue lets the kernel run.
std::string InKernelActions() {
  std::string out;
  for (const auto& a : KnownActions())
    if (a.in_kernel) out += (out.empty() ? "" : ", ") + std::string(a.name);
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// YAML -> JSON for responder parameters: quoted scalars stay strings; bare ones become
// booleans or numbers when they read as such.
nlohmann::json ToJson(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& kv : n) o[kv.first.as<std::string>()] = ToJson(kv.second);
      return o;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& v : n) a.push_back(ToJson(v));
      return a;
    }
    case YAML::NodeType::Scalar: {
      const std::string s = n.Scalar();
      if (n.Tag() == "!") return s;
      if (s == "true") return true;
      if (s == "false") return false;
      char* end = nullptr;
      long long i = std::strtoll(s.c_str(), &end, 10);
      if (!s.empty() && *end == '\0') return i;
      double d = std::strtod(s.c_str(), &end);
      if (!s.empty() && *end == '\0') return d;
      return s;
    }
    default:
      return nullptr;
  }
}

class Reader {
 public:
  Reader(const ActionCatalog& catalog, std::vector<LoadMessage>& messages) : catalog_(catalog), messages_(messages) {}

  void ReadText(const std::string& file, const std::string& text, PolicySet& out) {
    file_ = file;
    if (auto st = CheckYamlSyntax(file, text); !st) {
      messages_.push_back(SyntaxErrorMessage(file, st.error().message));
      return;
    }
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      Add(Severity::kError, {file, e.mark.line + 1, e.mark.column + 1}, "", e.msg);
      return;
    }
    if (root.IsNull()) return;
    if (!root.IsSequence()) {
      Add(Severity::kError, Pos(root), "", "a policy file is a list of `- policy:` items");
      return;
    }
    for (const auto& item : root) {
      try {
        ReadPolicy(item, out);
      } catch (const YAML::Exception& e) {
        Add(Severity::kError, {file, e.mark.line + 1, e.mark.column + 1}, item_, e.msg);
      }
    }
  }

 private:
  SourcePosition Pos(const YAML::Node& n) const { return {file_, n.Mark().line + 1, n.Mark().column + 1}; }
  void Add(Severity s, SourcePosition p, std::string item, std::string text) {
    messages_.push_back({s, std::move(p), std::move(item), std::move(text)});
  }
  void Err(const YAML::Node& n, std::string text) { Add(Severity::kError, Pos(n), item_, std::move(text)); }

  std::vector<std::string> Strings(const YAML::Node& n) {
    if (n.IsScalar()) return {n.as<std::string>()};
    if (!n.IsSequence()) {
      Err(n, "expected a string or a list of strings");
      return {};
    }
    std::vector<std::string> out;
    for (const auto& v : n) {
      if (!v.IsScalar()) Err(v, "expected a string");
      else out.push_back(v.as<std::string>());
    }
    return out;
  }

  std::optional<TargetScope> Scope(const YAML::Node& n) {
    std::string s = n.as<std::string>();
    if (s == "any") return TargetScope::kAny;
    if (s == "container") return TargetScope::kContainer;
    if (s == "host") return TargetScope::kHost;
    Err(n, "target must be container, host or any, not '" + s + "'");
    return std::nullopt;
  }

  void ReadPriority(const YAML::Node& n, PolicyMatch& m) {
    std::string text = n.as<std::string>();
    std::string_view t = Trim(text);
    PriorityMatch pm;
    for (std::string_view op : {">=", "<=", "!=", "==", ">", "<", "="}) {
      if (t.starts_with(op)) {
        pm.op = op == "==" ? "=" : std::string(op);
        t = Trim(t.substr(op.size()));
        break;
      }
    }
    auto p = ParsePriority(t);
    if (!p) {
      Err(n, "'" + std::string(t) + "' is not a priority (Emergency, Alert, Critical, Error, Warning, Notice, "
             "Informational, Debug), optionally after a comparator: >= Warning");
      return;
    }
    pm.value = *p;
    m.priority = pm;
  }

  void ReadMatch(const YAML::Node& n, PolicyMatch& m) {
    if (!n.IsMap()) return Err(n, "match must be a mapping");
    for (const auto& kv : n) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "rules" || key == "rule") m.rules = Strings(v);
      else if (key == "tags") {
        if (v.IsMap()) {
          for (const auto& t : v) {
            std::string k = t.first.as<std::string>();
            if (k == "all_of") m.tags_all = Strings(t.second);
            else if (k == "any_of") m.tags_any = Strings(t.second);
            else Err(t.first, "tags takes all_of and any_of, not '" + k + "'");
          }
        } else {
          m.tags_all = Strings(v);  // a plain list: all of them
        }
      } else if (key == "priority") ReadPriority(v, m);
      else if (key == "source" || key == "sources") m.sources = Strings(v);
      else if (key == "scope") ReadScope(v, m);
      else if (key == "all") m.all = v.as<bool>();
      else Err(kv.first, "unknown key match." + key + " (rules, tags, priority, source, scope, all)");
    }
  }

  void ReadScope(const YAML::Node& n, PolicyMatch& m) {
    if (!n.IsMap()) return Err(n, "scope must be a mapping");
    for (const auto& kv : n) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "target") {
        if (auto s = Scope(v)) m.target = *s;
      } else if (key == "images" || key == "image") m.images = Strings(v);
      else if (key == "namespaces" || key == "namespace") m.namespaces = Strings(v);
      else if (key == "process_names" || key == "process_name") m.process_names = Strings(v);
      else if (key == "pod_labels") {
        if (!v.IsMap()) Err(v, "pod_labels must be a mapping of label to value (glob)");
        else
          for (const auto& l : v) m.pod_labels[l.first.as<std::string>()] = l.second.as<std::string>();
      } else {
        Err(kv.first, "unknown key scope." + key + " (target, images, namespaces, pod_labels, process_names)");
      }
    }
  }

  std::optional<KernelKillSelector> ReadInKernel(const YAML::Node& n) {
    if (!n.IsMap()) {
      Err(n, "in_kernel must be a mapping (syscalls, process_names, path_prefix, target, success_only)");
      return std::nullopt;
    }
    KernelKillSelector k;
    k.position = Pos(n);
    for (const auto& kv : n) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "syscalls") {
        k.syscalls = Strings(v);
        for (const auto& s : k.syscalls)
          if (!FindSyscall(s)) Err(v, "in_kernel: unknown syscall '" + s + "'");
      } else if (key == "process_names") {
        k.process_names = Strings(v);
        for (const auto& p : k.process_names)
          if (p.empty() || p.size() > 63 || p.find_first_of("*?[/") != std::string::npos)
            Err(v, "in_kernel: process names are exact file names (1..63 characters, no globs or '/'): '" + p + "'");
      } else if (key == "path_prefix") {
        k.path_prefix = v.as<std::string>();
        if (k.path_prefix.size() > 63) Err(v, "in_kernel: path_prefix is at most 63 characters");
      } else if (key == "target") {
        if (auto s = Scope(v)) k.scope = *s;
      } else if (key == "success_only") {
        k.success_only = v.as<bool>();
      } else {
        Err(kv.first, "unknown key in_kernel." + key);
      }
    }
    if (k.syscalls.empty()) Err(n, "in_kernel needs syscalls: the calls that trigger the kill");
    if (k.process_names.empty() && k.path_prefix.empty())
      Err(n, "in_kernel needs process_names or path_prefix: a selector matching every process is refused");
    return k;
  }

  void ReadSteps(const YAML::Node& n, Policy& p) {
    if (!n.IsSequence() || n.size() == 0) return Err(n, "actions must be a non-empty list of steps");
    std::set<std::string> ids;
    for (const auto& s : n) {
      if (!s.IsMap()) {
        Err(s, "a step is a mapping with at least `action:`");
        continue;
      }
      ActionStep step;
      step.position = Pos(s);
      YAML::Node when_node;
      for (const auto& kv : s) {
        const std::string key = kv.first.as<std::string>();
        const YAML::Node& v = kv.second;
        if (key == "action") step.action = v.as<std::string>();
        else if (key == "id") step.id = v.as<std::string>();
        else if (key == "params" || key == "parameters") step.params = ToJson(v);
        else if (key == "when") {
          step.when_text = v.as<std::string>();
          when_node = v;
        } else if (key == "on_failure") {
          std::string f = v.as<std::string>();
          if (f == "stop") step.stop_on_failure = true;
          else if (f == "continue") step.stop_on_failure = false;
          else Err(v, "on_failure must be continue or stop, not '" + f + "'");
        } else if (key == "in_kernel") {
          step.in_kernel = ReadInKernel(v);
        } else {
          Err(kv.first, "unknown step key '" + key + "' (id, action, params, when, on_failure, in_kernel)");
        }
      }
      if (step.action.empty()) {
        Err(s, "the step has no action");
        continue;
      }
      if (step.id.empty()) step.id = step.action.substr(step.action.rfind('.') + 1);
      if (ids.count(step.id)) {
        Err(s, "step id '" + step.id + "' is used twice in this policy: give each step an id:");
        continue;
      }
      if (step.params.is_null()) step.params = nlohmann::json::object();
      if (!step.params.is_object()) Err(s, "params must be a mapping");
      const ActionCatalog::Availability availability = catalog_.Find(step.action);
      switch (availability) {
        case ActionCatalog::Availability::kUnknown:
          Err(s, "unknown action '" + step.action + "'");
          break;
        case ActionCatalog::Availability::kNotInThisBuild:
          Add(Severity::kWarning, Pos(s), item_,
              "action '" + step.action + "' is not available in this build: the step will be audited as unavailable");
          break;
        case ActionCatalog::Availability::kAvailable:
          if (auto st = catalog_.ValidateParams(step.action, step.params); !st)
            Err(s, step.action + ": " + st.error().message);
          break;
      }
      if (step.in_kernel) {
        // The kernel acts at the syscall, before any rule or `when` is evaluated; which
        // actions it can take is the catalogue's to say, and what it does the responder's.
        const ActionSpec* spec = FindAction(step.action);
        if (!spec || !spec->in_kernel) Err(s, "in_kernel is only for " + InKernelActions());
        else if (availability == ActionCatalog::Availability::kAvailable && step.params.is_object())
          if (auto st = catalog_.ValidateInKernel(step.action, step.params); !st) Err(s, "an in_kernel step: " + st.error().message);
        if (!step.when_text.empty()) Err(s, "an in_kernel step cannot have when: (the kernel acts before any condition)");
      }
      if (!step.when_text.empty()) {
        auto c = StepCondition::Compile(step.when_text, ids);
        if (!c) Err(when_node, "when: " + c.error().message);
        else step.when = *c;
      }
      ids.insert(step.id);
      p.actions.push_back(std::move(step));
    }
  }

  void ReadPolicy(const YAML::Node& n, PolicySet& out) {
    item_.clear();
    if (!n.IsMap() || !n["policy"]) return Err(n, "each item must be a mapping with `policy: NAME`");
    Policy p;
    p.position = Pos(n);
    p.name = n["policy"].as<std::string>();
    item_ = "policy '" + p.name + "'";
    const size_t errors_before = ErrorCount();
    bool has_match = false, has_actions = false;
    YAML::Node match_node;
    for (const auto& kv : n) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "policy") continue;
      if (key == "description" || key == "desc") p.description = v.as<std::string>();
      else if (key == "enabled") p.enabled = v.as<bool>();
      else if (key == "mode") {
        std::string m = v.as<std::string>();
        if (m == "enforce") p.mode = PolicyMode::kEnforce;
        else if (m == "dry-run" || m == "dry_run") p.mode = PolicyMode::kDryRun;
        else Err(v, "mode must be enforce or dry-run, not '" + m + "'");
      } else if (key == "match") {
        has_match = true;
        match_node = v;
        ReadMatch(v, p.match);
      } else if (key == "actions") {
        has_actions = true;
        ReadSteps(v, p);
      } else if (key == "continue") {
        p.continue_matching = v.as<bool>();
      } else if (key == "dedup_window") {
        auto d = ParseDuration(v.as<std::string>());
        if (!d) Err(v, "dedup_window is a duration such as 10s, 500ms or 2m");
        else p.dedup_window = *d;
      } else if (key == "rate_limit") {
        if (!v.IsMap() || !v["max"]) {
          Err(v, "rate_limit is {max: N, per: DURATION}");
        } else {
          RateLimit r;
          r.max = v["max"].as<uint32_t>();
          if (v["per"]) {
            auto d = ParseDuration(v["per"].as<std::string>());
            if (!d || d->count() == 0) Err(v["per"], "rate_limit.per is a duration such as 1m");
            else r.per = *d;
          }
          p.rate_limit = r;
        }
      } else {
        Err(kv.first, "unknown policy key '" + key +
                          "' (policy, description, enabled, mode, match, actions, continue, dedup_window, rate_limit)");
      }
    }
    if (!has_match) Err(n, "the policy has no match: (an empty match would answer every alert; write match: {rules: ['*']} to mean it)");
    if (!has_actions) Err(n, "the policy has no actions");
    // A policy that answers every alert with something other than a notification must
    // say so: `match: {}` on an enforcing kill once loaded without a word.
    if (has_match && p.mode == PolicyMode::kEnforce && !p.match.all && p.match.MatchesEverything()) {
      for (const auto& step : p.actions)
        if (const ActionSpec* spec = FindAction(step.action); !spec || spec->changes_node) {
          Err(match_node, "this match matches every alert and the policy enforces " + step.action +
                              ": write match: {all: true} if that is meant");
          break;
        }
    }
    for (const auto& existing : out.policies)
      if (existing.name == p.name) Err(n, "a policy with this name is already defined at " + existing.position.ToString());
    if (ErrorCount() == errors_before) out.policies.push_back(std::move(p));
  }

  size_t ErrorCount() const {
    return std::count_if(messages_.begin(), messages_.end(),
                         [](const LoadMessage& m) { return m.severity == Severity::kError; });
  }

  const ActionCatalog& catalog_;
  std::vector<LoadMessage>& messages_;
  std::string file_;
  std::string item_;
};

bool HasError(const std::vector<LoadMessage>& messages) {
  return std::any_of(messages.begin(), messages.end(),
                     [](const LoadMessage& m) { return m.severity == Severity::kError; });
}

}  // namespace

PolicyLoadResult LoadPolicyText(const std::string& name, const std::string& text, const ActionCatalog& catalog) {
  PolicyLoadResult result;
  auto set = std::make_shared<PolicySet>();
  Reader reader(catalog, result.messages);
  reader.ReadText(name, text, *set);
  set->files.push_back(name);
  if (!HasError(result.messages)) result.set = std::move(set);
  return result;
}

PolicyLoadResult LoadPolicies(const std::vector<std::string>& paths, const ActionCatalog& catalog) {
  namespace fs = std::filesystem;
  PolicyLoadResult result;
  auto set = std::make_shared<PolicySet>();
  Reader reader(catalog, result.messages);
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      const std::vector<std::string> in_dir = YamlFilesIn(p);
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else {
      files.push_back(p);
    }
  }
  for (const auto& f : files) {
    std::ifstream in(f);
    if (!in) {
      result.messages.push_back({Severity::kError, {f, 0, 0}, "", "cannot read the file"});
      continue;
    }
    std::stringstream text;
    text << in.rdbuf();
    reader.ReadText(f, text.str(), *set);
    set->files.push_back(f);
  }
  if (!HasError(result.messages)) result.set = std::move(set);
  return result;
}

}  // namespace riposte
