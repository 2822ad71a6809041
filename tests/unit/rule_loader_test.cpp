// The three loading stages end to end, from YAML text: read, collect, compile.
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "rules/rule_compiler.h"
#include "rules/rule_set.h"

namespace riposte {
namespace {

const char* kBase = R"(
- list: shells
  items: [sh, bash]
- macro: spawned
  condition: evt.type = execve
- rule: Shell
  desc: a shell
  condition: spawned and proc.name in (shells)
  output: shell %proc.name
  priority: WARNING
  tags: [shell]
)";

std::unique_ptr<RuleSet> Load(std::vector<std::pair<std::string, std::string>> files) {
  return RuleSet::LoadTexts(files);
}

const CompiledRule* Rule(const RuleSet& s, const std::string& name) {
  for (const auto& r : s.rules())
    if (r->def.name == name) return r.get();
  return nullptr;
}

std::string Errors(const RuleSet& s) {
  std::string out;
  for (const auto& m : s.messages()) out += m.ToString() + "\n";
  return out;
}

TEST(RuleLoader, LoadsListsMacrosAndRules) {
  auto s = Load({{"base.yaml", kBase}});
  ASSERT_FALSE(s->has_errors()) << Errors(*s);
  EXPECT_EQ(s->stats().rules, 1u);
  EXPECT_EQ(s->stats().macros, 1u);
  EXPECT_EQ(s->stats().lists, 1u);
  const CompiledRule* r = Rule(*s, "Shell");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->def.priority, Priority::kWarning);
  EXPECT_EQ(r->event_types, (std::set<std::string>{"execve"}));
}

TEST(RuleLoader, AppendExtendsListsMacrosAndRuleConditions) {
  auto s = Load({{"base.yaml", kBase}, {"local.yaml", R"(
- list: shells
  items: [zsh]
  append: true
- macro: spawned
  condition: or evt.type = execveat
  append: true
- rule: Shell
  condition: and not proc.pname = sshd
  append: true
)"}});
  ASSERT_FALSE(s->has_errors()) << Errors(*s);
  const CompiledRule* r = Rule(*s, "Shell");
  EXPECT_EQ(r->def.condition, "spawned and proc.name in (shells) and not proc.pname = sshd");
  EXPECT_EQ(r->event_types, (std::set<std::string>{"execve", "execveat"}));
}

TEST(RuleLoader, OverrideAppendsOrReplacesPerKey) {
  auto s = Load({{"base.yaml", kBase}, {"local.yaml", R"(
- rule: Shell
  condition: and user.uid = 0
  output: (root)
  priority: CRITICAL
  tags: [custom]
  override:
    condition: append
    output: append
    priority: replace
    tags: replace
)"}});
  ASSERT_FALSE(s->has_errors()) << Errors(*s);
  const CompiledRule* r = Rule(*s, "Shell");
  EXPECT_EQ(r->def.condition, "spawned and proc.name in (shells) and user.uid = 0");
  EXPECT_EQ(r->def.output, "shell %proc.name (root)");
  EXPECT_EQ(r->def.priority, Priority::kCritical);
  EXPECT_EQ(r->def.tags, (std::vector<std::string>{"custom"}));
}

TEST(RuleLoader, LaterFilesRedefineAndDisable) {
  auto s = Load({{"base.yaml", kBase}, {"local.yaml", "- rule: Shell\n  enabled: false\n"}});
  ASSERT_FALSE(s->has_errors()) << Errors(*s);
  EXPECT_FALSE(Rule(*s, "Shell")->def.enabled);
  EXPECT_TRUE(s->RulesFor("execve").empty());
  auto redefined = Load({{"base.yaml", kBase}, {"local.yaml", R"(
- rule: Shell
  desc: replaced
  condition: evt.type = connect
  output: x
  priority: INFO
)"}});
  ASSERT_FALSE(redefined->has_errors()) << Errors(*redefined);
  EXPECT_EQ(Rule(*redefined, "Shell")->def.desc, "replaced");
  EXPECT_EQ(Rule(*redefined, "Shell")->def.priority, Priority::kInformational);
  EXPECT_EQ(redefined->rules().size(), 1u);
}

TEST(RuleLoader, ExceptionsAreRewrittenExactlyAsFalcoDoes) {
  std::vector<ExceptionItem> ex(2);
  ex[0].name = "known";
  ex[0].fields = {"proc.name", "fd.name"};
  ex[0].comps = {"=", "startswith"};
  ex[0].values = {{"nginx", "/usr/bin/nginx"}, {"my app", "/opt"}};
  ex[1].name = "single";
  ex[1].fields = {"proc.pname"};
  ex[1].fields_is_list = false;
  ex[1].values = {{"sshd"}, {"cron"}};
  std::string error;
  EXPECT_EQ(ConditionWithExceptions("evt.type = open", ex, &error),
            "(evt.type = open) and not (( proc.name = nginx and  fd.name startswith /usr/bin/nginx) or "
            "( proc.name = \"my app\" and  fd.name startswith /opt)) and not (proc.pname in (sshd, cron))");
  EXPECT_TRUE(error.empty());
  ex[0].values = {{"only-one"}};
  ConditionWithExceptions("x", ex, &error);
  EXPECT_EQ(error, "exception 'known': fields and values lists must have equal length");
}

TEST(RuleLoader, ExceptionsFromYamlIncludingListValuesCompile) {
  auto s = Load({{"base.yaml", kBase}, {"local.yaml", R"(
- rule: Shell
  exceptions:
    - name: parents
      fields: [proc.pname, proc.cmdline]
      comps: [in, contains]
      values:
        - [[cron, sshd], "-c"]
  override:
    exceptions: append
)"}});
  ASSERT_FALSE(s->has_errors()) << Errors(*s);
  EXPECT_EQ(Rule(*s, "Shell")->condition,
            "(spawned and proc.name in (shells)) and not (( proc.pname in (cron, sshd) and  proc.cmdline contains -c))");
}

TEST(RuleLoader, ErrorsNameFileLineColumnAndItem) {
  auto s = Load({{"bad.yaml", R"(
- rule: No output
  desc: x
  condition: evt.type = open
  priority: WARNING
- rule: Bad priority
  desc: x
  condition: evt.type = open
  output: x
  priority: LOUD
- macro: loop_a
  condition: loop_b
- macro: loop_b
  condition: loop_a
- rule: Cycle
  desc: x
  condition: loop_a
  output: x
  priority: INFO
- rule: Unknown field
  desc: x
  condition: evt.type = open and proc.nosuch = 1
  output: x
  priority: INFO
- rule: Undefined macro
  desc: x
  condition: evt.type = open and not_a_macro
  output: x
  priority: INFO
- rule: Parse error
  desc: x
  condition: evt.type = open and (proc.name = a
  output: x
  priority: INFO
- rule: Bad output
  desc: x
  condition: evt.type = open
  output: "%proc.nosuch"
  priority: INFO
)"}});
  std::string all = Errors(*s);
  EXPECT_NE(all.find("bad.yaml:2:3: error: rule 'No output': missing 'output'"), std::string::npos) << all;
  EXPECT_NE(all.find("bad.yaml:10:13: error: rule 'Bad priority': unknown priority 'LOUD'"), std::string::npos) << all;
  EXPECT_NE(all.find("rule 'Cycle': macro cycle: loop_a -> loop_b -> loop_a"), std::string::npos) << all;
  EXPECT_NE(all.find("bad.yaml:22:14: error: rule 'Unknown field': unknown field 'proc.nosuch'"), std::string::npos) << all;
  EXPECT_NE(all.find("rule 'Undefined macro': undefined macro 'not_a_macro'"), std::string::npos) << all;
  EXPECT_NE(all.find("bad.yaml:32:14: error: rule 'Parse error': condition: expected ')' at offset"), std::string::npos) << all;
  EXPECT_NE(all.find("rule 'Bad output': output: unknown field 'proc.nosuch'"), std::string::npos) << all;
  EXPECT_TRUE(s->has_errors());
}

// A rule on an event riposte never produces could never fire: an error, not silence,
// also when the type comes through a macro. Falco's upstream rules name none.
TEST(RuleLoader, EventTypesRiposteCannotProduceAreLoadErrors) {
  auto s = Load({{"types.yaml", R"(
- macro: memory_events
  condition: evt.type in (mprotect, mmap_not_a_syscall)
- rule: Mprotect
  desc: x
  condition: evt.type in (open, mprotect)
  output: x
  priority: INFO
- rule: Through a macro
  desc: x
  condition: memory_events and proc.name = x
  output: x
  priority: INFO
- rule: Fine
  desc: x
  condition: evt.type in (openat, procexit, execve)
  output: x
  priority: INFO
)"}});
  std::string all = Errors(*s);
  EXPECT_NE(all.find("types.yaml:6:14: error: rule 'Mprotect': evt.type names an event riposte cannot produce (mprotect)"),
            std::string::npos) << all;
  EXPECT_NE(all.find("rule 'Through a macro': evt.type names an event riposte cannot produce (mmap_not_a_syscall, mprotect)"),
            std::string::npos) << all;
  EXPECT_EQ(all.find("'Fine'"), std::string::npos) << all;
  EXPECT_EQ(s->stats().compiled_rules, 1u);
}

TEST(RuleLoader, SkipIfUnknownFilterTurnsTheErrorIntoAWarning) {
  auto s = Load({{"r.yaml", R"(
- rule: Future field
  desc: x
  condition: evt.type = open and proc.from_the_future = 1
  output: x
  priority: INFO
  skip-if-unknown-filter: true
)"}});
  EXPECT_FALSE(s->has_errors()) << Errors(*s);
  EXPECT_NE(Errors(*s).find("warning: rule 'Future field': unknown field 'proc.from_the_future'"), std::string::npos);
  EXPECT_EQ(s->stats().compiled_rules, 0u);
}

TEST(RuleLoader, YamlSyntaxErrorsHavePositions) {
  auto s = Load({{"broken.yaml", "- rule: x\n  condition: [unclosed\n"}});
  ASSERT_TRUE(s->has_errors());
  EXPECT_TRUE(s->messages()[0].ToString().starts_with("broken.yaml:3:1: error:")) << Errors(*s);
}

TEST(RuleLoader, EngineAndPluginRequirements) {
  auto newer = Load({{"n.yaml", "- required_engine_version: 9.0.0\n"}});
  EXPECT_NE(Errors(*newer).find("requires engine version 9.0.0"), std::string::npos);
  auto plugins = Load({{"p.yaml", "- required_plugin_versions:\n  - name: container\n    version: 0.4.0\n  - name: k8saudit\n    version: 0.1.0\n"}});
  std::string all = Errors(*plugins);
  EXPECT_NE(all.find("p.yaml:2:5: info: requires plugin 'container' 0.4.0: riposte provides its fields natively, requirement met"),
            std::string::npos) << all;
  EXPECT_EQ(all.find("error: requires plugin 'container'"), std::string::npos) << all;
  EXPECT_NE(all.find("requires plugin 'k8saudit' 0.1.0, which riposte does not provide"), std::string::npos) << all;
}

TEST(RuleLoader, AppendToSomethingUndefinedIsAnError) {
  auto s = Load({{"a.yaml", "- list: nothing\n  items: [x]\n  append: true\n"}});
  EXPECT_NE(Errors(*s).find("a.yaml:1:3: error: list 'nothing': append to a list that is not defined"), std::string::npos)
      << Errors(*s);
}

TEST(UpstreamFalcoRules, AllThreeFilesLoadUnmodifiedAndEveryRuleCompiles) {
  // Falco's files are not copied into the repository: they sit in shared/ beside it (as
  // in CI), or wherever RIPOSTE_FALCO_RULES_DIR says.
  const char* env = std::getenv("RIPOSTE_FALCO_RULES_DIR");
  const std::string dir = env ? env : RIPOSTE_FALCO_RULES_DIR;
  ASSERT_TRUE(std::filesystem::exists(dir + "/falco_rules.yaml"))
      << "Falco's rule files are not at " << dir << ": put shared/ beside the repository or set RIPOSTE_FALCO_RULES_DIR";
  auto s = RuleSet::Load({dir + "/falco_rules.yaml", dir + "/falco-incubating_rules.yaml", dir + "/falco-sandbox_rules.yaml"});
  EXPECT_FALSE(s->has_errors()) << Errors(*s);
  EXPECT_EQ(s->stats().files, 3u);
  EXPECT_EQ(s->stats().rules, 93u);
  EXPECT_EQ(s->stats().macros, 352u);
  EXPECT_EQ(s->stats().lists, 163u);
  EXPECT_EQ(s->stats().enabled_rules, 81u);
  // disabled ones compile too; and none names an event type riposte cannot produce (an error)
  EXPECT_EQ(s->stats().compiled_rules, 93u);
}

}  // namespace
}  // namespace riposte

namespace riposte {
namespace {

TEST(RuleLoader, ExponentialMacroExpansionIsRefused) {
  // Each macro uses the previous one twice: 2^40 nodes if expanded blindly.
  std::string text = "- macro: m0\n  condition: proc.name = a\n";
  for (int i = 1; i <= 40; ++i)
    text += "- macro: m" + std::to_string(i) + "\n  condition: m" + std::to_string(i - 1) + " or m" +
            std::to_string(i - 1) + "\n";
  text += "- rule: Big\n  desc: x\n  condition: evt.type = open and m40\n  output: x\n  priority: INFO\n";
  auto s = RuleSet::LoadTexts({{"big.yaml", text}});
  ASSERT_TRUE(s->has_errors());
  EXPECT_NE(s->messages().back().ToString().find("condition too large after expanding macros"), std::string::npos);
}

}  // namespace
}  // namespace riposte

namespace riposte {
namespace {

TEST(RuleLoader, MalformedYamlThatHangsYamlCppIsRefusedAtOnce) {
  // Found by the fuzzer: yaml-cpp 0.7 loops forever on a stray ',' at block level.
  auto s = RuleSet::LoadTexts({{"stray.yaml", "- list: a\n  items: [x]\n,# comment\n- list: b\n  items: [y]\n"}});
  ASSERT_TRUE(s->has_errors());
  EXPECT_EQ(s->messages()[0].ToString(), "stray.yaml:3:1: error: while parsing a block collection: did not find expected '-' indicator");
}

}  // namespace
}  // namespace riposte

namespace riposte {
namespace {

// A chain of macros, each nesting 400 levels (within the parser's 1000), nests 400 x 120
// levels once expanded: expanding that on the stack crashed `rules validate` and, by a
// reload, the running agent. It is a positioned load error now.
std::string DeepMacroChain(int macros, int nesting) {
  std::string text = "- macro: m0\n  condition: proc.name = a\n";
  for (int i = 1; i <= macros; ++i) {
    std::string cond;
    for (int k = 0; k < nesting; ++k) cond += "not (proc.name = b or ";
    cond += "m" + std::to_string(i - 1) + std::string(static_cast<size_t>(nesting), ')');
    text += "- macro: m" + std::to_string(i) + "\n  condition: " + cond + "\n";
  }
  text += "- rule: Deep\n  desc: x\n  condition: evt.type = open and m" + std::to_string(macros) +
          "\n  output: x\n  priority: INFO\n";
  return text;
}

TEST(RuleLoader, DeepMacroChainIsAPositionedErrorNotACrash) {
  const std::string text = DeepMacroChain(120, 400);
  ASSERT_GT(text.size(), 100000u);  // fits a ConfigMap
  auto s = RuleSet::LoadTexts({{"deep.yaml", text}});
  ASSERT_TRUE(s->has_errors());
  const std::string message = s->messages().back().ToString();
  EXPECT_TRUE(message.starts_with("deep.yaml:")) << message;
  EXPECT_NE(message.find("rule 'Deep'"), std::string::npos) << message;
  EXPECT_NE(message.find("nests more than 1000 levels deep after expanding macros"), std::string::npos) << message;
}

TEST(RuleLoader, ModerateMacroNestingStillCompiles) {
  auto s = RuleSet::LoadTexts({{"ok.yaml", DeepMacroChain(4, 100)}});
  EXPECT_FALSE(s->has_errors()) << Errors(*s);
}

}  // namespace
}  // namespace riposte
