// Policy files: every key read, every error placed; matching on every key and comparator;
// `when` conditions on earlier steps and alert fields.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "policy/alert_facts.h"
#include "policy/policy_matcher.h"
#include "policy/policy_reader.h"
#include "responders/default_responders.h"
#include "state/container_info.h"

namespace riposte {
namespace {

const ResponderRegistry& Registry() {
  static ContainerDirectory containers{ContainerDirectoryOptions{}};  // never started: no runtime contacted
  static QuarantineStore quarantines{""};
  static auto registry = MakeDefaultResponders({.containers = &containers, .quarantines = &quarantines});
  return *registry;
}

PolicyLoadResult Load(const std::string& text) { return LoadPolicyText("p.yaml", text, Registry()); }

std::string Errors(const PolicyLoadResult& r) {
  std::string s;
  for (const auto& m : r.messages) s += m.ToString() + "\n";
  return s;
}

AlertFacts Facts(const std::string& rule, Priority p, std::vector<std::string> tags = {}) {
  AlertFacts a;
  a.rule = rule;
  a.priority = p;
  a.tags = std::move(tags);
  a.target.container_id = "host";
  a.target.process_name = "bash";
  return a;
}

TEST(PolicyReader, ReadsEveryKey) {
  auto r = Load(R"(
- policy: full
  description: d
  mode: dry-run
  continue: true
  dedup_window: 2s
  rate_limit: {max: 3, per: 1m}
  match:
    rules: [A, "B*"]
    tags: {all_of: [x], any_of: [y, z]}
    priority: ">= Warning"
    source: syscall
    scope:
      target: container
      images: ["nginx*"]
      namespaces: [prod]
      pod_labels: {app: web}
      process_names: [sh]
  actions:
    - id: k
      action: process.kill
      params: {target: process_group, signal: SIGTERM}
      on_failure: continue
    - action: notify
      when: "steps.k.outcome = done and proc.name = sh"
      params: {url: "http://127.0.0.1:9/x", message: hi}
)");
  ASSERT_TRUE(r.ok()) << Errors(r);
  const Policy& p = r.set->policies.at(0);
  EXPECT_EQ(p.name, "full");
  EXPECT_EQ(p.mode, PolicyMode::kDryRun);
  EXPECT_TRUE(p.continue_matching);
  EXPECT_EQ(p.dedup_window.count(), 2000);
  EXPECT_EQ(p.rate_limit->max, 3u);
  EXPECT_EQ(p.rate_limit->per.count(), 60000);
  EXPECT_EQ(p.match.rules.size(), 2u);
  EXPECT_EQ(p.match.tags_all, std::vector<std::string>{"x"});
  EXPECT_EQ(p.match.priority->op, ">=");
  EXPECT_EQ(p.match.priority->value, Priority::kWarning);
  EXPECT_EQ(p.match.target, TargetScope::kContainer);
  EXPECT_EQ(p.match.pod_labels.at("app"), "web");
  ASSERT_EQ(p.actions.size(), 2u);
  EXPECT_EQ(p.actions[0].id, "k");
  EXPECT_FALSE(p.actions[0].stop_on_failure);
  EXPECT_EQ(p.actions[0].params["signal"], "SIGTERM");
  EXPECT_EQ(p.actions[1].id, "notify");
  ASSERT_TRUE(p.actions[1].when);
}

TEST(PolicyReader, APolicyWithoutModeEnforces) {
  auto r = Load("- policy: p\n  match: {rules: [A]}\n  actions: [{action: process.kill}]\n");
  ASSERT_TRUE(r.ok()) << Errors(r);
  EXPECT_EQ(r.set->policies[0].mode, PolicyMode::kEnforce);
}

struct BadCase {
  const char* text;
  const char* where;   // "p.yaml:L:C"
  const char* says;
};

TEST(PolicyReader, ErrorsNameFileLineAndColumn) {
  const BadCase cases[] = {
      {"- policy: p\n  match: {rules: [A]}\n  actions: [{action: nope}]\n", "p.yaml:3:13", "unknown action 'nope'"},
      {"- policy: p\n  match: {rules: [A]}\n  actions:\n    - action: process.kill\n      params: {target: moon}\n",
       "p.yaml:4:7", "target must be process, process_group or container"},
      {"- policy: p\n  match: {priority: '>= Loud'}\n  actions: [{action: notify}]\n", "p.yaml:2:21", "is not a priority"},
      {"- policy: p\n  mode: maybe\n  match: {rules: [A]}\n  actions: [{action: notify}]\n", "p.yaml:2:9",
       "mode must be enforce or dry-run"},
      {"- policy: p\n  match: {rules: [A]}\n  actions: [{action: notify}]\n  colour: red\n", "p.yaml:4:3",
       "unknown policy key 'colour'"},
      {"- policy: p\n  match: {rules: [A]}\n  actions:\n    - action: notify\n      when: 'steps.x.outcome = done'\n",
       "p.yaml:5:13", "names no earlier step"},
      {"- policy: p\n  actions: [{action: notify}]\n", "p.yaml:1:3", "has no match"},
      {"- policy: p\n  match: {rules: [A]}\n  actions:\n    - action: process.kill\n      in_kernel: {syscalls: [openat]}\n",
       "p.yaml:5:18", "needs process_names or path_prefix"},
      {"- policy: p\n  match: {rules: [A]}\n  actions: [{action: notify}]\n- policy: p\n  match: {rules: [A]}\n  actions: [{action: notify}]\n",
       "p.yaml:4:3", "already defined at p.yaml:1:3"},
      {"- policy: p\n  match: {rules: [A]\n  actions: [{action: notify}]\n", "p.yaml:", "p.yaml"},
      {"- policy: p\n  match: {rules: [A]}\n  actions: [{action: notify, params: {url: 'ftp://x'}}]\n", "p.yaml:3:13",
       "url must be http"},
  };
  for (const auto& c : cases) {
    auto r = Load(c.text);
    EXPECT_FALSE(r.ok()) << c.text;
    std::string all = Errors(r);
    EXPECT_NE(all.find(c.where), std::string::npos) << all;
    EXPECT_NE(all.find(c.says), std::string::npos) << all;
  }
}

// The README's first example: `cat /etc/shadow` raises "Sensitive file read" (Warning),
// and a default policy answers it, in dry-run, with the kill it would have made.
TEST(ShippedPolicies, TheQuickstartExampleIsAnsweredByADefaultPolicy) {
  auto r = LoadPolicies({std::string(RIPOSTE_SOURCE_DIR) + "/policies/default.yaml"}, Registry());
  ASSERT_TRUE(r.ok()) << Errors(r);
  AlertFacts a;
  a.rule = "Sensitive file read";
  a.priority = Priority::kWarning;
  a.target.pid = 1234;
  a.target.process_name = "cat";
  a.target.container_id = "host";
  auto chosen = SelectPolicies(*r.set, a);
  ASSERT_FALSE(chosen.empty());
  EXPECT_EQ(chosen[0]->mode, PolicyMode::kDryRun);
  EXPECT_EQ(chosen[0]->actions[0].action, "process.kill");
}

TEST(ShippedPolicies, TheDefaultPoliciesAndEveryPlaybookLoadWithoutErrors) {
  for (const char* dir : {"/policies", "/policies/playbooks"}) {
    auto r = LoadPolicies({std::string(RIPOSTE_SOURCE_DIR) + dir}, Registry());
    EXPECT_TRUE(r.ok()) << dir << ":\n" << Errors(r);
    EXPECT_FALSE(r.set->policies.empty()) << dir;
  }
}

// Every policy example in the documentation is a policy that loads: readers copy them.
TEST(ShippedPolicies, EveryPolicyExampleInTheDocsLoads) {
  int examples = 0;
  std::vector<std::filesystem::path> pages{std::string(RIPOSTE_SOURCE_DIR) + "/README.md"};
  for (const auto& entry : std::filesystem::directory_iterator(std::string(RIPOSTE_SOURCE_DIR) + "/docs"))
    pages.push_back(entry.path());
  for (const auto& page : pages) {
    if (page.extension() != ".md") continue;
    std::ifstream in(page);
    std::string line, block;
    int line_no = 0, block_line = 0;
    bool in_yaml = false;
    while (std::getline(in, line)) {
      ++line_no;
      if (!in_yaml && line == "```yaml") {
        in_yaml = true;
        block.clear();
        block_line = line_no + 1;
      } else if (in_yaml && line == "```") {
        in_yaml = false;
        if (block.rfind("- policy:", 0) != 0) continue;
        ++examples;
        const std::string where = page.filename().string() + ":" + std::to_string(block_line);
        auto r = LoadPolicyText(where, block, Registry());
        EXPECT_TRUE(r.ok()) << where << "\n" << Errors(r);
      } else if (in_yaml) {
        block += line + "\n";
      }
    }
  }
  EXPECT_GE(examples, 3);
}

TEST(PolicyReader, ActionsUnavailableHereLoadWithAWarning) {
  // With container support switched off, the container, network and seccomp actions are
  // not available: policies naming them still load (and their steps are audited so).
  auto without_containers = MakeDefaultResponders({});
  auto r = LoadPolicyText("p.yaml",
                          "- policy: p\n  match: {rules: [A]}\n  actions: [{action: seccomp.tighten, params: "
                          "{profile: restricted}}, {action: container.pause}]\n",
                          *without_containers);
  ASSERT_TRUE(r.ok()) << Errors(r);
  EXPECT_NE(Errors(r).find("warning: policy 'p': action 'seccomp.tighten' is not available"), std::string::npos);
  EXPECT_NE(Errors(r).find("warning: policy 'p': action 'container.pause' is not available"), std::string::npos);
  // With them, the parameters are checked at load.
  auto bad = Load("- policy: p\n  match: {rules: [A]}\n  actions: [{action: seccomp.tighten, params: {deny: [nosuchcall]}}]\n");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(Errors(bad).find("'nosuchcall' is not a syscall"), std::string::npos) << Errors(bad);
  auto empty = Load("- policy: p\n  match: {rules: [A]}\n  actions: [{action: seccomp.tighten}]\n");
  EXPECT_NE(Errors(empty).find("needs something to deny"), std::string::npos) << Errors(empty);
}

TEST(PolicyMatcher, RulesExactAndGlob) {
  PolicyMatch m;
  m.rules = {"Exact rule", "Read sensitive*"};
  EXPECT_TRUE(PolicyMatches(m, Facts("Exact rule", Priority::kDebug)));
  EXPECT_TRUE(PolicyMatches(m, Facts("Read sensitive file untrusted", Priority::kDebug)));
  EXPECT_FALSE(PolicyMatches(m, Facts("Exact rule 2", Priority::kDebug)));
}

TEST(PolicyMatcher, TagsAllOfAndAnyOf) {
  PolicyMatch m;
  m.tags_all = {"a", "b"};
  EXPECT_TRUE(PolicyMatches(m, Facts("r", Priority::kDebug, {"a", "b", "c"})));
  EXPECT_FALSE(PolicyMatches(m, Facts("r", Priority::kDebug, {"a"})));
  PolicyMatch any;
  any.tags_any = {"x", "y"};
  EXPECT_TRUE(PolicyMatches(any, Facts("r", Priority::kDebug, {"y"})));
  EXPECT_FALSE(PolicyMatches(any, Facts("r", Priority::kDebug, {"z"})));
}

TEST(PolicyMatcher, EveryPriorityComparator) {
  auto with = [](const char* op) {
    PolicyMatch m;
    m.priority = PriorityMatch{op, Priority::kWarning};
    return m;
  };
  struct Row {
    const char* op;
    bool critical, warning, notice;
  };
  for (const Row& r : {Row{">=", true, true, false}, Row{">", true, false, false}, Row{"<=", false, true, true},
                       Row{"<", false, false, true}, Row{"=", false, true, false}, Row{"!=", true, false, true}}) {
    auto m = with(r.op);
    EXPECT_EQ(PolicyMatches(m, Facts("r", Priority::kCritical)), r.critical) << r.op;
    EXPECT_EQ(PolicyMatches(m, Facts("r", Priority::kWarning)), r.warning) << r.op;
    EXPECT_EQ(PolicyMatches(m, Facts("r", Priority::kNotice)), r.notice) << r.op;
  }
}

TEST(PolicyMatcher, SourceAndScope) {
  AlertFacts c = Facts("r", Priority::kDebug);
  c.target.container_id = "abc123";
  c.target.container_image = "docker.io/library/nginx:1.25";
  c.target.k8s_namespace = "prod";
  c.target.pod_labels = {{"app", "web"}, {"tier", "fe"}};
  c.target.process_name = "sh";
  AlertFacts h = Facts("r", Priority::kDebug);

  PolicyMatch src;
  src.sources = {"k8s_audit"};
  EXPECT_FALSE(PolicyMatches(src, c));
  src.sources = {"syscall"};
  EXPECT_TRUE(PolicyMatches(src, c));

  PolicyMatch container;
  container.target = TargetScope::kContainer;
  EXPECT_TRUE(PolicyMatches(container, c));
  EXPECT_FALSE(PolicyMatches(container, h));
  PolicyMatch host;
  host.target = TargetScope::kHost;
  EXPECT_FALSE(PolicyMatches(host, c));
  EXPECT_TRUE(PolicyMatches(host, h));

  PolicyMatch image;
  image.images = {"docker.io/library/nginx*"};
  EXPECT_TRUE(PolicyMatches(image, c));
  EXPECT_FALSE(PolicyMatches(image, h));  // unknown image never matches a selector

  PolicyMatch ns;
  ns.namespaces = {"prod", "staging"};
  EXPECT_TRUE(PolicyMatches(ns, c));
  c.target.k8s_namespace = "dev";
  EXPECT_FALSE(PolicyMatches(ns, c));
  c.target.k8s_namespace = "prod";

  PolicyMatch labels;
  labels.pod_labels = {{"app", "web"}, {"tier", "f*"}};
  EXPECT_TRUE(PolicyMatches(labels, c));
  labels.pod_labels["missing"] = "*";
  EXPECT_FALSE(PolicyMatches(labels, c));

  PolicyMatch proc;
  proc.process_names = {"s?"};
  EXPECT_TRUE(PolicyMatches(proc, c));
  EXPECT_FALSE(PolicyMatches(proc, h));
}

TEST(PolicyMatcher, FirstMatchWinsUnlessItContinues) {
  auto r = Load(R"(
- policy: one
  match: {rules: [A]}
  actions: [{action: notify}]
- policy: two
  continue: true
  match: {rules: ["*"]}
  actions: [{action: notify}]
- policy: three
  match: {rules: ["*"]}
  actions: [{action: notify}]
- policy: four
  match: {rules: ["*"]}
  actions: [{action: notify}]
- policy: off
  enabled: false
  match: {rules: [A]}
  actions: [{action: notify}]
)");
  ASSERT_TRUE(r.ok()) << Errors(r);
  auto names = [&](const char* rule) {
    std::vector<std::string> out;
    for (const Policy* p : SelectPolicies(*r.set, Facts(rule, Priority::kDebug))) out.push_back(p->name);
    return out;
  };
  EXPECT_EQ(names("A"), std::vector<std::string>{"one"});
  EXPECT_EQ(names("B"), (std::vector<std::string>{"two", "three"}));
}

TEST(AlertFactsField, RuntimeKnowledgeFillsWhatTheOutputDoesNotPrint) {
  AlertFacts f;
  f.output_fields = {{"container.name", "from-output"}};
  ContainerInfo info;
  info.id = "5fc7e258c7e107aee4a57a5ccbbc7819b33dbce9095c36ca6746e8c8e6d0988f";
  info.name = "web";
  info.image = "riposte.local/busybox:1";
  info.k8s_namespace = "payments";
  info.pod_name = "checkout";
  f.target.container_id = "5fc7e258c7e1";
  TargetFromContainer(info, f.target);
  EXPECT_EQ(f.target.container_id, info.id) << "the short id grows to the full one";
  EXPECT_EQ(f.Field("container.name"), "from-output") << "the rule's own output comes first";
  EXPECT_EQ(f.Field("container.image"), "riposte.local/busybox:1");
  EXPECT_EQ(f.Field("k8s.ns.name"), "payments");
  EXPECT_EQ(f.Field("k8s.pod.name"), "checkout");
  EXPECT_FALSE(f.Field("k8s.pod.uid").has_value());
}

TEST(StepCondition, StepsAndAlertFields) {
  auto c = StepCondition::Compile("steps.kill.outcome in (done, target_gone) and priority >= Error and not proc.name = init",
                                  {"kill"});
  ASSERT_TRUE(c) << c.error().message;
  std::map<std::string, std::string> values{{"steps.kill.outcome", "done"}, {"priority", "Critical"}, {"proc.name", "sh"}};
  auto lookup = [&](const std::string& n) -> std::optional<std::string> {
    auto it = values.find(n);
    return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  EXPECT_TRUE((*c)->Eval(lookup));
  values["priority"] = "Warning";
  EXPECT_FALSE((*c)->Eval(lookup));
  values["priority"] = "Error";
  values["steps.kill.outcome"] = "failed";
  EXPECT_FALSE((*c)->Eval(lookup));

  auto ops = StepCondition::Compile(
      "container.id != host and container.image.repository startswith docker.io and proc.cmdline contains x "
      "and k8s.ns.name glob 'prod-*' and proc.pid > 100 and fd.name exists",
      {});
  ASSERT_TRUE(ops) << ops.error().message;
  values = {{"container.id", "abc"}, {"container.image.repository", "docker.io/x"}, {"proc.cmdline", "a x b"},
            {"k8s.ns.name", "prod-eu"}, {"proc.pid", "4242"}, {"fd.name", "/etc"}};
  EXPECT_TRUE((*ops)->Eval(lookup));
  values["proc.pid"] = "99";
  EXPECT_FALSE((*ops)->Eval(lookup));

  EXPECT_FALSE(StepCondition::Compile("steps.kill.outcome regex '.*'", {"kill"}));
  EXPECT_FALSE(StepCondition::Compile("some_macro", {}));
  EXPECT_FALSE(StepCondition::Compile("steps.kill.result = done", {"kill"}));
}

TEST(AlertFacts, FromFalcoJson) {
  auto j = nlohmann::json::parse(R"J({"time":"2026-11-23T01:02:03.5Z","rule":"Terminal shell in container",
    "priority":"Notice","source":"syscall","tags":["container","shell"],"hostname":"node1","output":"x",
    "output_fields":{"proc.pid":4242,"proc.name":"bash","container.id":"abc123","container.image.repository":"nginx",
    "container.image.tag":"1.25","k8s.ns.name":"prod","k8s.pod.name":"web-0","k8s.pod.label[app]":"web",
    "k8s.pod.labels":"(tier:fe, team:core)"}})J");
  auto f = FactsFromFalcoJson(j, "id1");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->rule, "Terminal shell in container");
  EXPECT_EQ(f->priority, Priority::kNotice);
  EXPECT_EQ(f->time_ns, 1795395723500000000LL);
  EXPECT_EQ(f->target.pid, 4242u);
  EXPECT_EQ(f->target.container_image, "nginx:1.25");
  EXPECT_EQ(f->target.k8s_namespace, "prod");
  EXPECT_EQ(f->target.pod_labels.at("app"), "web");
  EXPECT_EQ(f->target.pod_labels.at("team"), "core");
  EXPECT_EQ(f->Field("proc.name"), "bash");
  EXPECT_EQ(f->Field("priority"), "Notice");

  for (const char* bad : {R"([1,2])", R"({"priority":"Notice"})", R"({"rule":"r"})", R"({"rule":"r","priority":"Loud"})",
                          R"({"rule":"r","priority":"Notice","tags":"x"})", R"({"rule":"r","priority":"Notice","output_fields":[]})",
                          R"({"rule":"r","priority":"Notice","time":"yesterday"})"})
    EXPECT_FALSE(FactsFromFalcoJson(nlohmann::json::parse(bad), "x")) << bad;
}

}  // namespace
}  // namespace riposte

namespace riposte {
namespace {

TEST(PolicyReader, AMatchOfEverythingMustBeSaidForADestructiveEnforcingPolicy) {
  auto load = [&](const std::string& text) { return Load(text); };
  auto bad = load("- policy: everything\n  match: {}\n  actions: [{action: process.kill}]\n");
  EXPECT_FALSE(bad.ok());
  bool named = false;
  for (const auto& m : bad.messages)
    named |= m.ToString().find("p.yaml:2:10") != std::string::npos &&
             m.ToString().find("match: {all: true}") != std::string::npos;
  EXPECT_TRUE(named);
  EXPECT_FALSE(load("- policy: star\n  match: {rules: ['*']}\n  actions: [{action: process.kill}]\n").ok());
  EXPECT_TRUE(load("- policy: said\n  match: {all: true}\n  actions: [{action: process.kill}]\n").ok());
  EXPECT_TRUE(load("- policy: dry\n  mode: dry-run\n  match: {}\n  actions: [{action: process.kill}]\n").ok());
  EXPECT_TRUE(load("- policy: note\n  match: {}\n  actions: [{action: notify}]\n").ok());
}

TEST(ActionCatalogue, EveryActionIsRegisteredOrPlannedAndEveryResponderIsInIt) {
  auto without_containers = MakeDefaultResponders({});
  for (const ResponderRegistry* r : std::vector<const ResponderRegistry*>{&Registry(), without_containers.get()}) {
    for (const ActionSpec& a : KnownActions())
      EXPECT_NE(r->Find(std::string(a.name)), ActionCatalog::Availability::kUnknown) << a.name;
  }
  // With containers every action of the catalogue has its responder, named as listed.
  for (const ActionSpec& a : KnownActions()) {
    Responder* responder = Registry().Get(std::string(a.name));
    ASSERT_NE(responder, nullptr) << a.name;
    EXPECT_EQ(responder->name(), a.name);
  }
  EXPECT_EQ(FindAction("process.kil"), nullptr);
  EXPECT_EQ(Registry().Find("process.kil"), ActionCatalog::Availability::kUnknown);
}

TEST(ActionCatalogue, ParameterNamesAreTheCatalogues) {
  auto kill = Load("- policy: p\n  match: {rules: [A]}\n  actions: [{action: process.kill, params: {sig: KILL}}]\n");
  EXPECT_NE(Errors(kill).find("process.kill: unknown parameter 'sig' (target, signal, wait_ms)"), std::string::npos)
      << Errors(kill);
  auto pause = Load("- policy: p\n  match: {rules: [A]}\n  actions: [{action: container.pause, params: {now: true}}]\n");
  EXPECT_NE(Errors(pause).find("container.pause takes no parameters, not 'now'"), std::string::npos) << Errors(pause);
  // Every parameter the catalogue lists reaches the responder, which checks its value.
  auto bad_value = Load("- policy: p\n  match: {rules: [A]}\n  actions: [{action: pod.stop, params: {grace_period: soon}}]\n");
  EXPECT_NE(Errors(bad_value).find("grace_period must be a duration"), std::string::npos) << Errors(bad_value);
  for (const ActionSpec& a : KnownActions())
    for (const ActionParam& p : a.params) EXPECT_FALSE(p.meaning.empty()) << a.name << " " << p.name;
}

TEST(ActionCatalogue, InKernelStepsAreCheckedByTheCatalogueAndTheResponder) {
  auto step = [](const std::string& action, const std::string& params) {
    return Load("- policy: p\n  match: {rules: [A]}\n  actions:\n    - action: " + action + "\n      params: " + params +
                "\n      in_kernel: {syscalls: [openat], process_names: [nc]}\n");
  };
  // Only the actions the catalogue marks in_kernel may run there.
  auto notify = step("notify", "{}");
  EXPECT_NE(Errors(notify).find("in_kernel is only for process.kill"), std::string::npos) << Errors(notify);
  auto pause = step("container.pause", "{}");
  EXPECT_NE(Errors(pause).find("in_kernel is only for process.kill"), std::string::npos) << Errors(pause);
  // The kernel sends SIGKILL to the caller: process.kill says which parameters mean that,
  // by its own signal parser (any spelling of SIGKILL).
  EXPECT_TRUE(step("process.kill", "{}").ok());
  for (const char* kill : {"SIGKILL", "KILL", "sigkill", "9"}) {
    auto r = step("process.kill", std::string("{signal: ") + kill + "}");
    EXPECT_TRUE(r.ok()) << kill << ": " << Errors(r);
  }
  auto term = step("process.kill", "{signal: SIGTERM}");
  EXPECT_NE(Errors(term).find("an in_kernel step: the kernel sends SIGKILL: params.signal must be SIGKILL"),
            std::string::npos) << Errors(term);
  auto group = step("process.kill", "{target: container}");
  EXPECT_NE(Errors(group).find("params.target must be process"), std::string::npos) << Errors(group);
}

}  // namespace
}  // namespace riposte
