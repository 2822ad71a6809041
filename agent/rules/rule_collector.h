// The collect stage: applies every file's items in order — definitions, `append: true`,
// `override:` (append or replace per key), enable/disable-only entries — so that later
// files override earlier ones, exactly as Falco does. Names are not resolved here.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "rules/rule_items.h"

namespace riposte {

// The version of Falco's rules engine whose language riposte implements.
inline constexpr const char* kFalcoEngineVersion = "0.57.0";
// Plugins whose fields riposte provides itself.
inline constexpr const char* kNativePlugins[] = {"container"};

struct ListDef {
  std::vector<std::string> items;
  SourcePosition position;
};

struct MacroDef {
  std::string condition;
  SourcePosition position;
  SourcePosition condition_position;
};

struct RuleDef {
  std::string name;
  std::string condition, output, desc;
  Priority priority = Priority::kDebug;
  std::vector<std::string> tags;
  bool enabled = true;
  std::vector<ExceptionItem> exceptions;
  std::string source = "syscall";
  bool skip_if_unknown_filter = false;
  SourcePosition position;
  SourcePosition condition_position;
};

struct CollectedRules {
  std::map<std::string, ListDef> lists;
  std::map<std::string, MacroDef> macros;
  std::vector<RuleDef> rules;  // in definition order
};

// Collects `files` in order. Problems are appended to `messages`.
CollectedRules CollectRules(const std::vector<RuleFile>& files, std::vector<LoadMessage>& messages);

// Compares dotted versions ("0.57.0"): <0, 0, >0.
int CompareVersions(std::string_view a, std::string_view b);

}  // namespace riposte
