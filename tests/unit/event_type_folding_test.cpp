// The per-type folding of conditions: evt.type checks decided at load, the and/or/not around
// them simplified, and rules that cannot match a type dropped from its candidates.
#include <gtest/gtest.h>

#include "rules/condition_parser.h"
#include "rules/event_type_folding.h"
#include "rules/rule_set.h"

namespace riposte::testing {
namespace {

// The folded condition's text, or "true"/"false" when it is decided.
std::string Folded(const std::string& condition, std::string_view type) {
  ParseError error;
  auto ast = ParseCondition(condition, &error);
  EXPECT_TRUE(ast) << error.message;
  if (!ast) return "";
  FoldedCondition f = FoldEventType(*ast, type);
  if (f.constant) return *f.constant ? "true" : "false";
  return f.node->ToString();
}

std::string Text(const std::string& condition) {
  ParseError error;
  return ParseCondition(condition, &error)->ToString();
}

TEST(EventTypeFolding, TypeChecksOfTheIndexedTypeDropOut) {
  EXPECT_EQ(Folded("evt.type in (open, openat) and fd.name = /etc/shadow", "openat"), Text("fd.name = /etc/shadow"));
  EXPECT_EQ(Folded("evt.type = execve and proc.name = sh", "execve"), Text("proc.name = sh"));
  EXPECT_EQ(Folded("evt.type in (open, openat) and fd.name = /etc/shadow", "execve"), "false");
}

TEST(EventTypeFolding, BranchesForOtherTypesArePruned) {
  const std::string c = "(evt.type = execve and proc.name = sh) or (evt.type = openat and fd.name = /x)";
  EXPECT_EQ(Folded(c, "openat"), Text("fd.name = /x"));
  EXPECT_EQ(Folded(c, "execve"), Text("proc.name = sh"));
  EXPECT_EQ(Folded(c, "connect"), "false");
  EXPECT_EQ(Folded("evt.type = execve or proc.name = sh", "execve"), "true");
  EXPECT_EQ(Folded("evt.type = execve or proc.name = sh", "openat"), Text("proc.name = sh"));
}

TEST(EventTypeFolding, NegationsAndInequalities) {
  EXPECT_EQ(Folded("not evt.type = execve", "execve"), "false");
  EXPECT_EQ(Folded("not evt.type in (execve, execveat) and proc.name = sh", "openat"), Text("proc.name = sh"));
  EXPECT_EQ(Folded("evt.type != execve and proc.name = sh", "execve"), "false");
  EXPECT_EQ(Folded("not (evt.type = openat and fd.name = /x)", "openat"), Text("not fd.name = /x"));
}

TEST(EventTypeFolding, OnlyPlainLiteralChecksFold) {
  // A transformer, another operator, or a field operand is evaluated per event as written.
  for (const char* c : {"toupper(evt.type) = OPENAT", "evt.type startswith open", "evt.type = val(proc.name)",
                        "evt.type contains at"})
    EXPECT_EQ(Folded(c, "openat"), Text(c)) << c;
}

TEST(EventTypeFolding, RulesThatCannotMatchATypeAreNotItsCandidates) {
  auto set = RuleSet::LoadTexts({{"t.yaml", R"(
- rule: Opens
  desc: t
  condition: evt.type = openat and fd.name = /etc/shadow
  output: o
  priority: WARNING
- rule: Anything but opens
  desc: t
  condition: evt.type != openat and proc.name = sh
  output: a
  priority: WARNING
)"}});
  ASSERT_FALSE(set->has_errors());
  ASSERT_EQ(set->RulesFor("openat").size(), 1u);
  EXPECT_EQ(set->RulesFor("openat")[0].rule->def.name, "Opens");
  // An event of a type no rule names: the any-type rule, with its whole condition.
  ASSERT_EQ(set->RulesFor("execve").size(), 1u);
  EXPECT_EQ(set->RulesFor("execve")[0].rule->def.name, "Anything but opens");
  EXPECT_EQ(set->RulesFor("execve")[0].filter, set->RulesFor("execve")[0].rule->filter.get());
}

}  // namespace
}  // namespace riposte::testing
