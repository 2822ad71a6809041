// The read stage's output: what a rule file says, as plain structs, each item with the
// position it came from. Nothing is resolved yet (no append, no macros).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace riposte {

struct SourcePosition {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string ToString() const;
};

enum class Severity { kError, kWarning, kInfo };

// An error or warning a person can act on: where, which item, what.
struct LoadMessage {
  Severity severity = Severity::kError;
  SourcePosition position;
  std::string item;  // "rule 'Terminal shell in container'", or empty
  std::string text;
  std::string ToString() const;  // "file:line:col: error: rule 'x': text"
};

// The YAML syntax gate's "name:line:col: what" as an error message with its position.
LoadMessage SyntaxErrorMessage(const std::string& name, const std::string& gate_message);

// Falco's priorities, most severe first (their order is the comparison order).
enum class Priority { kEmergency, kAlert, kCritical, kError, kWarning, kNotice, kInformational, kDebug };
std::optional<Priority> ParsePriority(std::string_view name);
std::string_view PriorityName(Priority p);  // "Critical", as Falco prints it

struct ListItem {
  std::string name;
  std::vector<std::string> items;
  bool append = false;
  SourcePosition position;
};

struct MacroItem {
  std::string name;
  std::string condition;
  bool append = false;
  SourcePosition position;
  SourcePosition condition_position;
};

struct ExceptionItem {
  std::string name;
  std::vector<std::string> fields;  // one field (scalar form) or several
  bool fields_is_list = true;
  std::vector<std::string> comps;   // per field; default "=" (or "in" for the scalar form)
  std::vector<std::vector<std::string>> values;  // one tuple per entry
  SourcePosition position;
};

// Which keys an `override:` replaces or appends to.
enum class OverrideMode { kNone, kAppend, kReplace };

struct RuleItem {
  std::string name;
  std::optional<std::string> condition, output, desc;
  std::optional<Priority> priority;
  std::optional<std::vector<std::string>> tags;
  std::optional<bool> enabled;
  std::optional<std::vector<ExceptionItem>> exceptions;
  std::string source = "syscall";
  bool skip_if_unknown_filter = false;
  bool append = false;  // legacy `append: true`: condition/exceptions appended
  // `override:` per key: condition, output, desc, priority, tags, enabled, exceptions.
  std::vector<std::pair<std::string, OverrideMode>> overrides;
  SourcePosition position;
  SourcePosition condition_position;
};

struct RequiredPluginVersion {
  std::string name;
  std::string version;
  SourcePosition position;
};

// One rule file, read.
struct RuleFile {
  std::string path;
  std::vector<ListItem> lists;
  std::vector<MacroItem> macros;
  std::vector<RuleItem> rules;
  // The file order of all items, so later stages apply them as written:
  // (kind 0 list, 1 macro, 2 rule; index into the vector above).
  std::vector<std::pair<int, size_t>> order;
  std::optional<std::string> required_engine_version;
  std::vector<RequiredPluginVersion> required_plugins;
};

}  // namespace riposte
