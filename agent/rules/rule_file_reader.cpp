#include "rules/rule_file_reader.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cstdlib>

#include "common/yaml_syntax.h"

#include <fstream>
#include <set>
#include <sstream>

namespace riposte {
namespace {

std::string TrimSpace(const std::string& s) {
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  size_t b = 0, e = s.size();
  while (b < e && space(s[b])) ++b;
  while (e > b && space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

class Reader {
 public:
  Reader(const std::string& file, RuleFile& out, std::vector<LoadMessage>& messages)
      : file_(file), out_(out), messages_(messages) {}

  void ReadDocument(const YAML::Node& root) {
    if (root.IsNull()) return;
    if (!root.IsSequence()) {
      Error(root, "", "a rules file must be a list of items (- rule:, - macro:, - list:)");
      return;
    }
    for (const auto& item : root) ReadItem(item);
  }

 private:
  SourcePosition Pos(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    return {file_, m.line + 1, m.column + 1};
  }
  void Error(const YAML::Node& n, const std::string& item, const std::string& text) {
    messages_.push_back({Severity::kError, Pos(n), item, text});
  }
  void Warn(const YAML::Node& n, const std::string& item, const std::string& text) {
    messages_.push_back({Severity::kWarning, Pos(n), item, text});
  }

  // Reads a scalar as a string; an error (and false) for anything else.
  bool Scalar(const YAML::Node& n, const std::string& item, const std::string& key, std::string& out) {
    if (!n.IsScalar()) {
      Error(n, item, "'" + key + "' must be a string");
      return false;
    }
    out = n.Scalar();
    return true;
  }
  bool Bool(const YAML::Node& n, const std::string& item, const std::string& key, bool& out) {
    try {
      out = n.as<bool>();
      return true;
    } catch (const YAML::Exception&) {
      Error(n, item, "'" + key + "' must be true or false");
      return false;
    }
  }
  bool StringList(const YAML::Node& n, const std::string& item, const std::string& key,
                  std::vector<std::string>& out) {
    if (n.IsNull()) {
      out.clear();
      return true;
    }
    if (!n.IsSequence()) {
      Error(n, item, "'" + key + "' must be a list");
      return false;
    }
    out.clear();
    for (const auto& v : n) {
      if (!v.IsScalar()) {
        Error(v, item, "'" + key + "' entries must be strings");
        return false;
      }
      out.push_back(v.Scalar());
    }
    return true;
  }

  void ReadItem(const YAML::Node& item) {
    if (!item.IsMap()) {
      Error(item, "", "each item must be a mapping");
      return;
    }
    if (item["rule"]) return ReadRule(item);
    if (item["macro"]) return ReadMacro(item);
    if (item["list"]) return ReadList(item);
    if (auto v = item["required_engine_version"]) {
      std::string s;
      if (Scalar(v, "", "required_engine_version", s)) out_.required_engine_version = s;
      return;
    }
    if (auto v = item["required_plugin_versions"]) {
      if (!v.IsSequence()) return Error(v, "", "'required_plugin_versions' must be a list");
      for (const auto& p : v) {
        RequiredPluginVersion r;
        r.position = Pos(p);
        if (!p.IsMap() || !p["name"] || !p["version"]) {
          Error(p, "", "each required plugin needs 'name' and 'version'");
          continue;
        }
        if (Scalar(p["name"], "", "name", r.name) && Scalar(p["version"], "", "version", r.version))
          out_.required_plugins.push_back(r);
      }
      return;
    }
    std::string key = item.begin()->first.as<std::string>("");
    Warn(item, "", "unknown item '" + key + "' ignored");
  }

  void CheckKeys(const YAML::Node& item, const std::string& what, const std::set<std::string>& known) {
    for (const auto& kv : item) {
      std::string key = kv.first.as<std::string>("");
      if (!known.count(key)) Warn(kv.first, what, "unknown key '" + key + "' ignored");
    }
  }

  void ReadList(const YAML::Node& item) {
    ListItem l;
    l.position = Pos(item);
    if (!Scalar(item["list"], "", "list", l.name)) return;
    const std::string what = "list '" + l.name + "'";
    CheckKeys(item, what, {"list", "items", "append", "override"});
    if (!item["items"]) return Error(item, what, "missing 'items'");
    if (!StringList(item["items"], what, "items", l.items)) return;
    if (item["append"] && !Bool(item["append"], what, "append", l.append)) return;
    if (auto ov = item["override"]) {
      if (ov.IsMap() && ov["items"]) l.append = ov["items"].as<std::string>("") == "append";
    }
    out_.order.emplace_back(0, out_.lists.size());
    out_.lists.push_back(std::move(l));
  }

  void ReadMacro(const YAML::Node& item) {
    MacroItem m;
    m.position = Pos(item);
    if (!Scalar(item["macro"], "", "macro", m.name)) return;
    const std::string what = "macro '" + m.name + "'";
    CheckKeys(item, what, {"macro", "condition", "append", "override"});
    auto cond = item["condition"];
    if (!cond) return Error(item, what, "missing 'condition'");
    if (!Scalar(cond, what, "condition", m.condition)) return;
    m.condition_position = Pos(cond);
    if (item["append"] && !Bool(item["append"], what, "append", m.append)) return;
    if (auto ov = item["override"]) {
      if (ov.IsMap() && ov["condition"]) m.append = ov["condition"].as<std::string>("") == "append";
    }
    out_.order.emplace_back(1, out_.macros.size());
    out_.macros.push_back(std::move(m));
  }

  bool ReadExceptions(const YAML::Node& n, const std::string& what, std::vector<ExceptionItem>& out) {
    if (n.IsNull()) return true;
    if (!n.IsSequence()) {
      Error(n, what, "'exceptions' must be a list");
      return false;
    }
    for (const auto& e : n) {
      ExceptionItem x;
      x.position = Pos(e);
      if (!e.IsMap() || !e["name"]) {
        Error(e, what, "each exception needs a 'name'");
        return false;
      }
      if (!Scalar(e["name"], what, "name", x.name)) return false;
      const std::string ewhat = what + ", exception '" + x.name + "'";
      if (auto f = e["fields"]) {
        if (f.IsScalar()) {
          x.fields = {f.Scalar()};
          x.fields_is_list = false;
        } else if (!StringList(f, ewhat, "fields", x.fields)) {
          return false;
        }
      }
      if (auto c = e["comps"]) {
        if (c.IsScalar()) x.comps = {c.Scalar()};
        else if (!StringList(c, ewhat, "comps", x.comps)) return false;
      }
      if (auto v = e["values"]) {
        if (!v.IsSequence()) {
          Error(v, ewhat, "'values' must be a list");
          return false;
        }
        for (const auto& tuple : v) {
          std::vector<std::string> t;
          if (tuple.IsScalar()) {
            t.push_back(tuple.Scalar());
          } else if (tuple.IsSequence()) {
            for (const auto& s : tuple) {
              if (s.IsSequence()) {  // a list value inside a tuple: "(a, b)" for `in`
                std::string joined;
                for (const auto& w : s) joined += (joined.empty() ? "" : ",") + w.as<std::string>("");
                t.push_back("\x01" + joined);  // marks a list
              } else {
                t.push_back(s.as<std::string>(""));
              }
            }
          } else {
            Error(tuple, ewhat, "each value must be a string or a list");
            return false;
          }
          x.values.push_back(std::move(t));
        }
      }
      out.push_back(std::move(x));
    }
    return true;
  }

  void ReadRule(const YAML::Node& item) {
    RuleItem r;
    r.position = Pos(item);
    if (!Scalar(item["rule"], "", "rule", r.name)) return;
    const std::string what = "rule '" + r.name + "'";
    CheckKeys(item, what, {"rule", "condition", "output", "desc", "priority", "tags", "enabled",
                           "exceptions", "source", "skip-if-unknown-filter", "append", "override",
                           "warn_evttypes", "capture", "capture_duration"});
    std::string s;
    if (auto v = item["condition"]) {
      if (!Scalar(v, what, "condition", s)) return;
      r.condition = s;
      r.condition_position = Pos(v);
    }
    if (auto v = item["output"]) {
      if (!Scalar(v, what, "output", s)) return;
      // Falco trims a rule's output: a folded `output: >` block ends in a newline that
      // would otherwise sit before the appended container fields.
      r.output = TrimSpace(s);
    }
    if (auto v = item["desc"]) {
      if (!Scalar(v, what, "desc", s)) return;
      r.desc = s;
    }
    if (auto v = item["priority"]) {
      if (!Scalar(v, what, "priority", s)) return;
      r.priority = ParsePriority(s);
      if (!r.priority) return Error(v, what, "unknown priority '" + s + "' (Emergency, Alert, Critical, Error, Warning, Notice, Informational, Debug)");
    }
    if (auto v = item["tags"]) {
      std::vector<std::string> tags;
      if (!StringList(v, what, "tags", tags)) return;
      r.tags = std::move(tags);
    }
    if (auto v = item["enabled"]) {
      bool b;
      if (!Bool(v, what, "enabled", b)) return;
      r.enabled = b;
    }
    if (auto v = item["exceptions"]) {
      std::vector<ExceptionItem> ex;
      if (!ReadExceptions(v, what, ex)) return;
      r.exceptions = std::move(ex);
    }
    if (auto v = item["source"]) {
      if (!Scalar(v, what, "source", r.source)) return;
    }
    if (auto v = item["skip-if-unknown-filter"]) {
      if (!Bool(v, what, "skip-if-unknown-filter", r.skip_if_unknown_filter)) return;
    }
    if (auto v = item["append"]) {
      if (!Bool(v, what, "append", r.append)) return;
    }
    if (auto v = item["override"]) {
      if (!v.IsMap()) return Error(v, what, "'override' must be a mapping of key: append|replace");
      static const std::set<std::string> appendable = {"condition", "output", "desc", "tags", "exceptions"};
      static const std::set<std::string> replaceable = {"condition", "output", "desc", "priority", "tags", "enabled", "exceptions"};
      for (const auto& kv : v) {
        std::string key = kv.first.as<std::string>(""), mode = kv.second.as<std::string>("");
        if (mode != "append" && mode != "replace")
          return Error(kv.second, what, "override of '" + key + "' must be 'append' or 'replace'");
        if ((mode == "append" && !appendable.count(key)) || (mode == "replace" && !replaceable.count(key)))
          return Error(kv.first, what, "'" + key + "' cannot be overridden with " + mode);
        if (!item[key])
          return Error(kv.first, what, "override of '" + key + "' but the rule has no '" + key + "' key");
        r.overrides.emplace_back(key, mode == "append" ? OverrideMode::kAppend : OverrideMode::kReplace);
      }
    }
    const bool partial = r.append || !r.overrides.empty();
    if (!partial && !(r.enabled && item.size() == 2)) {
      // A full definition: Falco requires these keys.
      for (const char* key : {"condition", "output", "desc", "priority"})
        if (!item[key]) return Error(item, what, std::string("missing '") + key + "'");
    }
    out_.order.emplace_back(2, out_.rules.size());
    out_.rules.push_back(std::move(r));
  }

  std::string file_;
  RuleFile& out_;
  std::vector<LoadMessage>& messages_;
};

}  // namespace

bool ReadRuleText(const std::string& name, const std::string& text, RuleFile& out,
                  std::vector<LoadMessage>& messages) {
  out.path = name;
  if (auto syntax = CheckYamlSyntax(name, text); !syntax) {
    messages.push_back(SyntaxErrorMessage(name, syntax.error().message));
    return false;
  }
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::ParserException& e) {
    messages.push_back({Severity::kError, {name, e.mark.line + 1, e.mark.column + 1}, "", e.msg});
    return false;
  }
  Reader reader(name, out, messages);
  for (const auto& doc : docs) reader.ReadDocument(doc);
  return true;
}

bool ReadRuleFile(const std::string& path, RuleFile& out, std::vector<LoadMessage>& messages) {
  std::ifstream in(path);
  if (!in) {
    messages.push_back({Severity::kError, {path, 0, 0}, "", "cannot read the file"});
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  return ReadRuleText(path, text.str(), out, messages);
}

}  // namespace riposte
