// Falco's `append_output`: text and fields added to the outputs of the rules an entry
// matches (by source, tags, rule name). Falco's default, and riposte's, is one entry with
// suggested_output: the fields the container plugin suggests (container.id, .name, image
// repository and tag, k8s pod and namespace), so an alert says where it happened.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "rules/rule_collector.h"

namespace riposte {

struct AppendOutput {
  // match: every condition given must hold (none: every rule)
  std::string source;
  std::vector<std::string> tags;  // the rule has all of them
  std::string rule;
  std::string extra_output;  // appended to the message
  // Only in output_fields: a custom name with a format ("home: ${HOME}"), or a field by
  // its own name (format empty: the field, typed).
  std::vector<std::pair<std::string, std::string>> extra_fields;
  bool suggested_output = false;
};

// Falco's default: suggested output on, for every source.
std::vector<AppendOutput> DefaultAppendOutput();

// What the entries add to `rule`: text for the message (with its leading space, "" if
// none), and output-only fields as (name, format) pairs.
struct AppendedOutput {
  std::string text;
  std::vector<std::pair<std::string, std::string>> fields;
};
AppendedOutput AppendedFor(const RuleDef& rule, const std::vector<AppendOutput>& entries);

}  // namespace riposte
