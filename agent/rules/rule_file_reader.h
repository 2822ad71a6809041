// The read stage: a Falco rule file (YAML) into plain structs with positions. Checks the
// shape of each item (types of keys, required keys) and nothing else; every problem is a
// message with file, line and column, and a bad item is skipped, not fatal to the file.
#pragma once

#include <string>
#include <vector>

#include "rules/rule_items.h"

namespace riposte {

// Reads `path`. Returns false only if the file cannot be read or parsed as YAML at all.
bool ReadRuleFile(const std::string& path, RuleFile& out, std::vector<LoadMessage>& messages);
// The same from text already in memory (`name` is used in positions).
bool ReadRuleText(const std::string& name, const std::string& text, RuleFile& out,
                  std::vector<LoadMessage>& messages);

}  // namespace riposte
