#include "rules/condition_parser.h"

#include <gtest/gtest.h>

namespace riposte {
namespace {

std::string Canon(const std::string& text) {
  ParseError e;
  auto n = ParseCondition(text, &e);
  return n ? n->ToString() : "ERROR@" + std::to_string(e.offset) + ": " + e.message;
}

TEST(ConditionParser, AndBindsTighterThanOrAndNotTighterThanAnd) {
  EXPECT_EQ(Canon("a and b or c"), "((a and b) or c)");
  EXPECT_EQ(Canon("a or b and c"), "(a or (b and c))");
  EXPECT_EQ(Canon("not a and b"), "(not a and b)");
  EXPECT_EQ(Canon("not (a and b)"), "not (a and b)");
  EXPECT_EQ(Canon("a and (b or c) and not not d"), "(a and (b or c) and not not d)");
}

TEST(ConditionParser, ChecksWithEveryOperator) {
  EXPECT_EQ(Canon("evt.type=open"), "evt.type = open");
  EXPECT_EQ(Canon("evt.type == open"), "evt.type = open");
  for (const char* op : {"!=", "<", "<=", ">", ">=", "contains", "icontains", "bcontains", "startswith",
                         "bstartswith", "endswith", "glob", "iglob", "regex"})
    EXPECT_EQ(Canon(std::string("proc.name ") + op + " x"), std::string("proc.name ") + op + " x");
  EXPECT_EQ(Canon("proc.name in (sh, bash, \"my shell\")"), "proc.name in (sh, bash, \"my shell\")");
  EXPECT_EQ(Canon("fd.name pmatch (/etc, /usr/bin)"), "fd.name pmatch (/etc, /usr/bin)");
  EXPECT_EQ(Canon("proc.args intersects (-V, -l)"), "proc.args intersects (-V, -l)");
  EXPECT_EQ(Canon("proc.name exists"), "proc.name exists");
  EXPECT_EQ(Canon("proc.name in ()"), "proc.name in ()");
}

TEST(ConditionParser, FieldArgumentsTransformersAndValField) {
  EXPECT_EQ(Canon("proc.aname[2]=sshd"), "proc.aname[2] = sshd");
  EXPECT_EQ(Canon("container.mount.dest[/var/run/docker.sock] exists"), "container.mount.dest[/var/run/docker.sock] exists");
  EXPECT_EQ(Canon("tolower(proc.name) = bash"), "tolower(proc.name) = bash");
  EXPECT_EQ(Canon("len(basename(fd.name)) > 3"), "len(basename(fd.name)) > 3");
  EXPECT_EQ(Canon("proc.pname = val(proc.name)"), "proc.pname = val(proc.name)");
}

TEST(ConditionParser, QuotedStringsKeepSpacesAndEscapes) {
  ParseError e;
  auto n = ParseCondition(R"(proc.cmdline = "a \"b\" c" and fd.name = '/x y')", &e);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->children[0]->operands[0].text, "a \"b\" c");
  EXPECT_TRUE(n->children[0]->operands[0].quoted);
  EXPECT_EQ(n->children[1]->operands[0].text, "/x y");
}

TEST(ConditionParser, ErrorsSayWhereAndWhat) {
  EXPECT_EQ(Canon("proc.name = bash and"), "ERROR@20: unexpected end of condition");
  EXPECT_EQ(Canon("(proc.name = bash"), "ERROR@17: expected ')'");
  EXPECT_EQ(Canon("proc.name = \"bash"), "ERROR@17: unterminated string");
  EXPECT_EQ(Canon("proc.name bash"), "ERROR@10: expected an operator after 'proc.name'");
  EXPECT_EQ(Canon("proc.name in (a b)"), "ERROR@16: expected ',' or ')' in list");
  EXPECT_EQ(Canon("proc.name = a )"), "ERROR@14: unexpected ')'");
  EXPECT_EQ(Canon("= a"), "ERROR@0: expected a field, a macro or '(' but found '= a'");
}

}  // namespace
}  // namespace riposte

namespace riposte {
namespace {

TEST(ConditionParser, PrintedTreesParseBackWithEscapes) {
  // Found by the fuzzer: a backslash or quote inside a quoted operand.
  for (const char* text : {R"(evt.type == "\m\\")", R"(proc.cmdline = "a \"b\" \\ c")"}) {
    ParseError e;
    auto first = ParseCondition(text, &e);
    ASSERT_TRUE(first) << text;
    auto again = ParseCondition(first->ToString(), &e);
    ASSERT_TRUE(again) << first->ToString() << ": " << e.message;
    EXPECT_EQ(again->ToString(), first->ToString());
    EXPECT_EQ(again->operands[0].text, first->operands[0].text);
  }
}

}  // namespace
}  // namespace riposte

namespace riposte {
namespace {

TEST(ConditionParser, NestingIsBounded) {
  // Found by the fuzzer: deep nesting must be an error, not a stack overflow.
  std::string deep(100000, '(');
  ParseError e;
  EXPECT_FALSE(ParseCondition(deep + "a", &e));
  EXPECT_EQ(e.message, "the condition nests more than 1000 levels deep");
  std::string nots;
  for (int i = 0; i < 5000; ++i) nots += "not ";
  EXPECT_FALSE(ParseCondition(nots + "a", &e));
  std::string ok(200, '(');
  EXPECT_TRUE(ParseCondition(ok + "a" + std::string(200, ')'), &e));
}

}  // namespace
}  // namespace riposte
