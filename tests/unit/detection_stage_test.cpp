// The live pipeline's detection stage: every alert to the outputs and counted by rule, one
// event in 256 timed, each alert handed to the response worker as facts with a run-unique
// id, and an alert the worker refuses reported as not answered, never lost in silence.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "audit/audit_log.h"
#include "decode/record_decoder.h"
#include "pipeline/detection_stage.h"
#include "response/response_engine.h"
#include "responders/responder_registry.h"
#include "state/state_tracker.h"
#include "unit/record_builder.h"

namespace riposte::testing {
namespace {

class DetectionStageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ProcessInfo p;
    p.pid = 30;
    p.comm = p.exe = "cat";
    p.exepath = "/usr/bin/cat";
    tracker_.Seed(std::move(p));
    auto set = RuleSet::LoadTexts(
        {{"t.yaml", "- rule: Shadow\n  desc: t\n  condition: evt.type = openat\n  output: o\n  priority: WARNING\n"}});
    engine_ = std::make_unique<RuleEngine>(std::shared_ptr<const RuleSet>(std::move(set)), Priority::kDebug, "h");
    auto rec = SyscallRecord(SYS_openat, 3, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY}, "/etc/shadow", {}, 30);
    ASSERT_TRUE(DecodeRecord(rec.bytes(), event_).ok());
    tracker_.Apply(event_);
  }

  StateTracker tracker_{StateConfig{}, nullptr};
  std::unique_ptr<RuleEngine> engine_;
  Event event_;
};

TEST_F(DetectionStageTest, AlertsGoToTheOutputsAndAreCountedAndTimed) {
  std::vector<std::string> written;
  int timed = 0;
  DetectionStageOptions o;
  o.evaluation_timed = [&](double seconds) {
    EXPECT_GE(seconds, 0.0);
    ++timed;
  };
  DetectionStage stage(*engine_, [&](const Alert& a) { written.push_back(a.rule->def.name); }, nullptr, o);
  for (int i = 0; i < 300; ++i) stage.OnEvent(event_, tracker_.processes(), 0);
  EXPECT_EQ(written.size(), 300u);
  EXPECT_EQ(stage.alert_counts().at({"Shadow", "Warning"}), 300u);
  EXPECT_EQ(timed, 2);  // events 1 and 257

  // The agent's own alerts take the same outputs and are not counted as the rules'.
  Alert own;
  CompiledRule rule;
  rule.def.name = "riposte circuit breaker tripped";
  own.rule = &rule;
  stage.Raise(own);
  EXPECT_EQ(written.back(), "riposte circuit breaker tripped");
  EXPECT_EQ(stage.alert_counts().size(), 1u);
}

TEST_F(DetectionStageTest, AnAlertTheWorkerRefusesIsReportedNotAnswered) {
  const auto dir = std::filesystem::temp_directory_path() / ("rp-detect-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  auto audit = AuditLog::Open({.path = (dir / "audit.log").string(), .host = "h"});
  ASSERT_TRUE(audit) << audit.error().message;
  ResponderRegistry responders;
  ResponseEngine response(std::make_shared<const PolicySet>(), responders, **audit, ResponseOptions{});
  {
    ResponseWorker worker(response, {}, {}, /*capacity=*/0);  // every hand-over refused
    std::vector<std::string> refused;
    DetectionStageOptions o;
    o.alert_id_prefix = "run1-";
    o.not_answered = [&](const AlertFacts& f) { refused.push_back(f.id); };
    DetectionStage stage(*engine_, [](const Alert&) {}, &worker, o);
    stage.OnEvent(event_, tracker_.processes(), 0);
    stage.OnEvent(event_, tracker_.processes(), 0);
    EXPECT_EQ(refused, (std::vector<std::string>{"run1-1", "run1-2"}));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace riposte::testing
