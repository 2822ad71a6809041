// The response engine with a recording responder (beside it, the integration tests run
// the real process.kill): playbook order, when, on_failure, continue, dry-run parity,
// protections, de-duplication, rate limits, the circuit breaker, and the audit records.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "audit/audit_summary.h"
#include "audit/audit_verifier.h"
#include "policy/policy_reader.h"
#include "response/response_engine.h"

namespace riposte {
namespace {

// Records each call; checks run in both modes, the effect only when enforcing.
class RecordingResponder : public Responder {
 public:
  RecordingResponder(std::string name, Outcome outcome) : name_(std::move(name)), outcome_(outcome) {}
  std::string_view name() const override { return name_; }
  Status ValidateParams(const nlohmann::json&) const override { return Status::Ok(); }
  ActionResult Run(const ActionRequest& r) override {
    ++checks;
    if (auto why = r.protection.ProcessProtected(ProcessInfo{.pid = r.alert.target.pid, .comm = r.alert.target.process_name}))
      return {Outcome::kSkippedProtected, *why, {}};
    if (r.dry_run) return {Outcome::kWouldHave, "", {{"would", name_}}};
    ++effects;
    return {outcome_, outcome_ == Outcome::kFailed ? "boom" : "", {}};
  }
  int checks = 0;
  int effects = 0;

 private:
  std::string name_;
  Outcome outcome_;
};

// A responder with a bug: it throws instead of returning an error.
class ThrowingResponder : public Responder {
 public:
  std::string_view name() const override { return "test.throw"; }
  Status ValidateParams(const nlohmann::json&) const override { return Status::Ok(); }
  ActionResult Run(const ActionRequest&) override { throw std::runtime_error("read failed: No such process"); }
};

class ResponseEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("rp-resp-" + std::to_string(getpid()) + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove(path_);
    std::filesystem::remove(path_ + ".head");
    auto ok = std::make_unique<RecordingResponder>("test.ok", Outcome::kDone);
    auto bad = std::make_unique<RecordingResponder>("test.fail", Outcome::kFailed);
    ok_ = ok.get();
    bad_ = bad.get();
    registry_.Add(std::move(ok));
    registry_.Add(std::move(bad));
    registry_.Add(std::make_unique<ThrowingResponder>());
    registry_.AddPlanned("test.later");
    AuditLogOptions o;
    o.path = path_;
    o.host = "h";
    audit_ = AuditLog::Open(o).value();
  }
  void TearDown() override {
    std::filesystem::remove(path_);
    std::filesystem::remove(path_ + ".head");
  }

  std::unique_ptr<ResponseEngine> Engine(const std::string& policies, ResponseOptions options = {}) {
    auto r = LoadPolicyText("p.yaml", policies, registry_);
    EXPECT_TRUE(r.ok());
    for (const auto& m : r.messages) AddFailureOnError(m);
    options.protection.pids = {5000, 5001};
    return std::make_unique<ResponseEngine>(r.set, registry_, *audit_, options,
                                            [this](const std::string&) { ++breaker_alerts_; });
  }
  static void AddFailureOnError(const LoadMessage& m) {
    if (m.severity == Severity::kError) ADD_FAILURE() << m.ToString();
  }
  AlertFacts Alert(uint32_t pid = 4242, std::string name = "victim") {
    AlertFacts a;
    a.id = "a" + std::to_string(++ids_);
    a.rule = "R";
    a.priority = Priority::kCritical;
    a.target.pid = pid;
    a.target.start_boottime_ns = 77;
    a.target.process_name = std::move(name);
    a.target.container_id = "host";
    a.output_fields = {{"proc.name", a.target.process_name}};
    return a;
  }
  std::vector<nlohmann::json> Records() {
    std::ifstream in(path_);
    std::vector<nlohmann::json> out;
    for (std::string l; std::getline(in, l);) out.push_back(nlohmann::json::parse(l));
    return out;
  }
  static std::vector<std::string> Outcomes(const std::vector<StepReport>& r) {
    std::vector<std::string> out;
    for (const auto& s : r) out.push_back(s.step + "=" + std::string(OutcomeName(s.outcome)));
    return out;
  }

  std::string path_;
  ResponderRegistry registry_;
  RecordingResponder* ok_ = nullptr;
  RecordingResponder* bad_ = nullptr;
  std::unique_ptr<AuditLog> audit_;
  int breaker_alerts_ = 0;
  int ids_ = 0;
};

TEST_F(ResponseEngineTest, RunsStepsInOrderAndAuditsEachDecision) {
  auto e = Engine(R"(
- policy: p
  match: {rules: [R]}
  actions:
    - {id: first, action: test.ok}
    - {id: second, action: test.ok}
)");
  auto r = e->Handle(Alert());
  EXPECT_EQ(Outcomes(r), (std::vector<std::string>{"first=done", "second=done"}));
  EXPECT_EQ(ok_->effects, 2);
  auto recs = Records();
  ASSERT_EQ(recs.size(), 5u);  // alert, planned+result per step
  EXPECT_EQ(recs[0]["kind"], "alert");
  EXPECT_EQ(recs[0]["policies"], nlohmann::json::array({"p"}));
  EXPECT_EQ(recs[1]["phase"], "planned");
  EXPECT_EQ(recs[1]["step"], "first");
  EXPECT_EQ(recs[2]["phase"], "result");
  EXPECT_EQ(recs[2]["outcome"], "done");
  EXPECT_EQ(recs[2]["target"]["pid"], 4242);
  EXPECT_EQ(recs[2]["alert_id"], "a1");
  EXPECT_EQ(recs[4]["step"], "second");
  EXPECT_EQ(r[1].audit_seq, 5u);
  EXPECT_TRUE(VerifyAuditChain({path_}).ok);
}

TEST_F(ResponseEngineTest, WhenAndOnFailure) {
  auto e = Engine(R"(
- policy: p
  match: {rules: [R]}
  actions:
    - {id: a, action: test.fail, on_failure: continue}
    - {id: b, action: test.ok, when: "steps.a.outcome = failed"}
    - {id: c, action: test.ok, when: "steps.a.outcome = done"}
    - {id: d, action: test.fail}
    - {id: e, action: test.ok}
    - {id: f, action: test.later}
)");
  auto r = e->Handle(Alert());
  EXPECT_EQ(Outcomes(r), (std::vector<std::string>{"a=failed", "b=done", "c=skipped_condition", "d=failed",
                                                   "e=skipped_after_failure", "f=skipped_after_failure"}));
  EXPECT_EQ(r[0].error, "boom");
}

TEST_F(ResponseEngineTest, UnavailableRespondersAreAuditedNotFatal) {
  auto e = Engine(R"(
- policy: p
  match: {rules: [R]}
  actions:
    - {id: later, action: test.later, on_failure: continue}
    - {id: ok, action: test.ok}
)");
  EXPECT_EQ(Outcomes(e->Handle(Alert())), (std::vector<std::string>{"later=unavailable", "ok=done"}));
}

TEST_F(ResponseEngineTest, AResponderThatThrowsIsAnAuditedFailureNotACrash) {
  auto e = Engine(R"(
- policy: p
  match: {rules: [R]}
  actions:
    - {id: buggy, action: test.throw, on_failure: continue}
    - {id: after, action: test.ok}
)");
  auto r = e->Handle(Alert());
  EXPECT_EQ(Outcomes(r), (std::vector<std::string>{"buggy=failed", "after=done"}));
  EXPECT_EQ(r[0].error, "internal error in test.throw: read failed: No such process");
  auto recs = Records();
  ASSERT_EQ(recs.size(), 5u);
  EXPECT_EQ(recs[2]["step"], "buggy");
  EXPECT_EQ(recs[2]["outcome"], "failed");
  EXPECT_TRUE(VerifyAuditChain({path_}).ok);
}

TEST_F(ResponseEngineTest, DryRunRunsTheSameChecksWithoutEffect) {
  const char* policy = R"(
- policy: p
  match: {rules: [R]}
  actions: [{id: a, action: test.ok}]
)";
  ResponseOptions forced;
  forced.force_dry_run = true;
  auto dry = Engine(policy, forced);
  auto r = dry->Handle(Alert());
  EXPECT_EQ(Outcomes(r), std::vector<std::string>{"a=would_have"});
  EXPECT_TRUE(r[0].dry_run);
  EXPECT_EQ(ok_->checks, 1);
  EXPECT_EQ(ok_->effects, 0);
  auto recs = Records();
  EXPECT_EQ(recs.back()["mode"], "dry-run");
  EXPECT_EQ(recs.back()["mode_reason"], "--dry-run");
  EXPECT_EQ(recs.back()["details"]["would"], "test.ok");
  // Per-policy mode, and the protected check is the same in both modes.
  auto per_policy = Engine("- policy: p\n  mode: dry-run\n  match: {rules: [R]}\n  actions: [{id: a, action: test.ok}]\n");
  EXPECT_EQ(Outcomes(per_policy->Handle(Alert(5000, "protected-x"))), std::vector<std::string>{"a=skipped_protected"});
  auto enforcing = Engine(policy);
  EXPECT_EQ(Outcomes(enforcing->Handle(Alert(5001, "protected-x"))), std::vector<std::string>{"a=skipped_protected"});
  EXPECT_EQ(ok_->effects, 0);
}

TEST_F(ResponseEngineTest, ProtectedTargetsAreNeverTouched) {
  auto e = Engine("- policy: p\n  match: {rules: [R]}\n  actions: [{id: a, action: test.ok}]\n");
  EXPECT_EQ(Outcomes(e->Handle(Alert(1, "init"))), std::vector<std::string>{"a=skipped_protected"});
  EXPECT_EQ(Outcomes(e->Handle(Alert(static_cast<uint32_t>(getpid()), "me"))), std::vector<std::string>{"a=skipped_protected"});
  AlertFacts in_kube_system = Alert(6000);
  in_kube_system.target.k8s_namespace = "kube-system";
  EXPECT_EQ(Outcomes(e->Handle(in_kube_system)), std::vector<std::string>{"a=skipped_protected"});
  EXPECT_EQ(ok_->checks, 0);  // refused before any responder ran
  EXPECT_EQ(Records().back()["reason"], "Kubernetes namespace 'kube-system' is protected");
}

TEST_F(ResponseEngineTest, DeduplicatesTheSameRuleAndTarget) {
  auto e = Engine("- policy: p\n  dedup_window: 1m\n  match: {rules: [R]}\n  actions: [{id: a, action: test.ok}]\n");
  EXPECT_EQ(Outcomes(e->Handle(Alert(7000))), std::vector<std::string>{"a=done"});
  EXPECT_EQ(Outcomes(e->Handle(Alert(7000))), std::vector<std::string>{"a=deduplicated"});
  EXPECT_EQ(Outcomes(e->Handle(Alert(7001))), std::vector<std::string>{"a=done"});  // another target
  EXPECT_EQ(ok_->effects, 2);
}

// `riposte tune` reads the records this engine writes; a damaged or altered record is
// counted as unreadable, never a crash.
TEST_F(ResponseEngineTest, TuneSummarisesTheTrailAndSkipsRecordsOfTheWrongShape) {
  auto e = Engine("- policy: p\n  dedup_window: 1m\n  match: {rules: [R]}\n  actions: [{id: a, action: test.ok}]\n");
  e->Handle(Alert(7000));
  e->Handle(Alert(7000));
  e->Handle(Alert(7001, "other"));
  {
    std::ofstream out(path_, std::ios::app);
    out << "not json\n"
        << R"({"kind": 5})" << "\n"
        << R"({"kind": "alert"})" << "\n"
        << R"({"kind": "alert", "alert": {"rule": "R"}, "policies": [1]})" << "\n"
        << R"({"kind": "action", "phase": "result", "outcome": ["done"]})" << "\n";
  }
  auto summary = SummarizeAudit({path_});
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->unreadable, 5u);
  EXPECT_EQ(summary->alerts_per_rule.at("R"), 3u);
  const PolicyActivity& p = summary->per_rule_policy.at("R").at("p");
  EXPECT_EQ(p.alerts, 3u);
  EXPECT_EQ(p.actions.at("test.ok").at("done"), 2u);
  EXPECT_EQ(p.skipped.at("deduplicated"), 1u);
  EXPECT_EQ(p.targets, (std::map<std::string, uint64_t>{{"other", 1}, {"victim", 2}}));
  EXPECT_NE(FormatAuditSummary(*summary).find("(5 unreadable lines skipped)"), std::string::npos);
}

TEST_F(ResponseEngineTest, RateLimitPerPolicy) {
  auto e = Engine("- policy: p\n  rate_limit: {max: 2, per: 1m}\n  match: {rules: [R]}\n  actions: [{id: a, action: test.ok}]\n");
  for (uint32_t pid = 8000; pid < 8004; ++pid) e->Handle(Alert(pid));
  EXPECT_EQ(ok_->effects, 2);
  EXPECT_EQ(Records().back()["outcome"], "rate_limited");
}

TEST_F(ResponseEngineTest, CircuitBreakerDropsToDryRunAndRaisesAnAlert) {
  ResponseOptions o;
  o.breaker_max_per_minute = 3;
  auto e = Engine("- policy: p\n  match: {rules: [R]}\n  actions: [{id: a, action: test.ok}]\n", o);
  std::vector<std::string> all;
  for (uint32_t pid = 9000; pid < 9006; ++pid)
    for (const auto& s : Outcomes(e->Handle(Alert(pid)))) all.push_back(s);
  EXPECT_EQ(all, (std::vector<std::string>{"a=done", "a=done", "a=done", "a=would_have", "a=would_have", "a=would_have"}));
  EXPECT_EQ(ok_->effects, 3);
  EXPECT_EQ(breaker_alerts_, 1);
  bool audited = false;
  for (const auto& r : Records()) audited |= r["kind"] == "breaker" && r["state"] == "tripped";
  EXPECT_TRUE(audited);
  EXPECT_EQ(Records().back()["mode_reason"], "circuit breaker");
  // A reload resets it.
  e->SetPolicies(e->policies());
  EXPECT_EQ(Outcomes(e->Handle(Alert(9100))), std::vector<std::string>{"a=done"});
}

TEST_F(ResponseEngineTest, ContinueLetsLaterPoliciesAnswer) {
  auto e = Engine(R"(
- policy: first
  continue: true
  match: {rules: [R]}
  actions: [{id: a, action: test.ok}]
- policy: second
  match: {rules: [R]}
  actions: [{id: b, action: test.ok}]
- policy: third
  match: {rules: [R]}
  actions: [{id: c, action: test.ok}]
)");
  EXPECT_EQ(Outcomes(e->Handle(Alert())), (std::vector<std::string>{"a=done", "b=done"}));
}

TEST_F(ResponseEngineTest, AlertsNoPolicyMatchesLeaveNoRecord) {
  auto e = Engine("- policy: p\n  match: {rules: [Other]}\n  actions: [{id: a, action: test.ok}]\n");
  EXPECT_TRUE(e->Handle(Alert()).empty());
  EXPECT_TRUE(Records().empty());
}

}  // namespace
}  // namespace riposte
