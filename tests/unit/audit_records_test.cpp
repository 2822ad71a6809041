// Typed audit records: each kind serialises to exactly the fields, in exactly the order,
// that docs/audit.md describes (and that trails written before the types had), and reads
// back through the same types; the kind table is closed.
#include <set>

#include <gtest/gtest.h>

#include "audit/audit_records.h"

namespace riposte {
namespace {

TEST(AuditRecords, EveryKindHasOneNameAndReadsBack) {
  const AuditKind all[] = {AuditKind::kAgentStart,   AuditKind::kAgentStop, AuditKind::kReload,
                           AuditKind::kKernelDrops,  AuditKind::kAlertDropped, AuditKind::kAlert,
                           AuditKind::kPolicy,       AuditKind::kAction,    AuditKind::kBreaker,
                           AuditKind::kRecoveredTail, AuditKind::kRotate,   AuditKind::kAuditGap};
  std::set<std::string_view> names;
  for (AuditKind k : all) {
    EXPECT_NE(AuditKindName(k), "unknown");
    EXPECT_TRUE(names.insert(AuditKindName(k)).second) << AuditKindName(k);
    EXPECT_EQ(AuditKindOf(AuditKindName(k)), k);
  }
  EXPECT_EQ(AuditKindOf("test"), std::nullopt);
  EXPECT_EQ(KindOf(nlohmann::json{{"kind", 3}}), std::nullopt);
}

TEST(AuditRecords, FieldsInTheirDocumentedOrder) {
  AgentStartRecord run;
  run.version = "0.1.0";
  run.dry_run_forced = false;
  run.policy_files = std::vector<std::string>{"p.yaml"};
  run.in_kernel_selectors = 1;
  EXPECT_EQ(ToJson(run).dump(),
            R"({"kind":"agent_start","version":"0.1.0","dry_run_forced":false,"policy_files":["p.yaml"],"in_kernel_selectors":1})");
  AgentStartRecord respond;
  respond.mode = "respond";
  respond.listen = Json::array({{{"address", "/run/r.sock"}, {"auth", "peer uid"}}});
  EXPECT_EQ(ToJson(respond).dump(),
            R"({"kind":"agent_start","mode":"respond","listen":[{"address":"/run/r.sock","auth":"peer uid"}]})");
  EXPECT_EQ(ToJson(AgentStopRecord{std::nullopt, 4, 1}).dump(), R"({"kind":"agent_stop","alerts":4,"kernel_kills":1})");
  EXPECT_EQ(ToJson(AgentStopRecord{"respond", 2, std::nullopt}).dump(), R"({"kind":"agent_stop","mode":"respond","alerts":2})");
  EXPECT_EQ(ToJson(ReloadRecord{"refused", "SIGHUP", "bad", std::nullopt}).dump(),
            R"({"kind":"reload","outcome":"refused","trigger":"SIGHUP","error":"bad"})");
  EXPECT_EQ(ToJson(ReloadRecord{"done", "file change", std::nullopt, 0}).dump(),
            R"({"kind":"reload","outcome":"done","trigger":"file change","in_kernel_selectors":0})");
  EXPECT_EQ(ToJson(KernelDropsRecord{3, 9, 100}).dump(), R"({"kind":"kernel_drops","dropped":3,"total_dropped":9,"sent":100})");
  EXPECT_EQ(ToJson(BreakerRecord{"tripped", "why"}).dump(), R"({"kind":"breaker","state":"tripped","reason":"why"})");
  EXPECT_EQ(ToJson(RotateRecord{"audit.log.1"}).dump(), R"({"kind":"rotate","previous_file":"audit.log.1"})");

  const PolicyContext ctx{"a-1", "R", "P", Json{{"uid", 0}}};
  EXPECT_EQ(ToJson(PolicyRecord{ctx, "enforce", "rate_limited", "limit"}).dump(),
            R"({"alert_id":"a-1","rule":"R","policy":"P","sender":{"uid":0},"kind":"policy","mode":"enforce","outcome":"rate_limited","reason":"limit"})");
  ActionRecord planned;
  planned.context = PolicyContext{"a-1", "R", "P", nullptr};
  planned.step = "kill";
  planned.action = "process.kill";
  planned.mode = "dry-run";
  planned.mode_reason = "policy mode";
  planned.params = Json::object();
  planned.target = Json{{"pid", 7}};
  planned.phase = "planned";
  EXPECT_EQ(ToJson(planned).dump(),
            R"({"alert_id":"a-1","rule":"R","policy":"P","kind":"action","step":"kill","action":"process.kill","mode":"dry-run","mode_reason":"policy mode","params":{},"target":{"pid":7},"phase":"planned"})");
  ActionRecord result = planned;
  result.phase = "result";
  result.outcome = "would_have";
  result.details = Json{{"signal", "SIGKILL"}};
  result.duration_us = 12;
  EXPECT_EQ(ToJson(result).dump(),
            R"({"alert_id":"a-1","rule":"R","policy":"P","kind":"action","step":"kill","action":"process.kill","mode":"dry-run","mode_reason":"policy mode","params":{},"target":{"pid":7},"phase":"result","outcome":"would_have","details":{"signal":"SIGKILL"},"duration_us":12})");
  EXPECT_EQ(ToJson(ManualActionRecord{"alice", Json{{"action", "container.pause"}, {"outcome", "done"}}}).dump(),
            R"({"kind":"action","policy":"manual","operator":"alice","action":"container.pause","outcome":"done"})");
  AuditGapRecord gap{2, "t1", "t2", "No space left on device", Json::array({{{"kind", "action"}}})};
  EXPECT_EQ(ToJson(gap).dump(),
            R"({"kind":"audit_gap","refused_records":2,"first_refused":"t1","last_refused":"t2","error":"No space left on device","records":[{"kind":"action"}],"records_listed":1})");
}

TEST(AuditRecords, ReadBackThroughTheSameTypes) {
  ActionRecord a;
  a.context = PolicyContext{"a-1", "R", "P", Json{{"token", "ci"}}};
  a.step = "kill";
  a.action = "process.kill";
  a.phase = "result";
  a.outcome = "done";
  a.duration_us = 40;
  auto back = ReadActionRecord(nlohmann::json::parse(ToJson(a).dump()));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->context.rule, "R");
  EXPECT_EQ(back->context.policy, "P");
  EXPECT_EQ(back->context.sender.dump(), R"({"token":"ci"})");
  EXPECT_EQ(back->outcome, "done");
  EXPECT_EQ(back->duration_us, 40);
  EXPECT_EQ(back->mode, std::nullopt);

  AlertRecord alert{Json{{"id", "a-1"}, {"rule", "R"}}, Json{{"container_id", "host"}}, "out", {"P", "Q"}, nullptr};
  auto alert_back = ReadAlertRecord(nlohmann::json::parse(ToJson(alert).dump()));
  ASSERT_TRUE(alert_back) << alert_back.error().message;
  EXPECT_EQ(alert_back->policies, (std::vector<std::string>{"P", "Q"}));
  EXPECT_EQ(alert_back->alert.value("rule", ""), "R");

  // The wrong kind, or the right kind of the wrong shape, is an error, never a guess.
  EXPECT_FALSE(ReadAlertRecord(nlohmann::json::parse(ToJson(a).dump())));
  EXPECT_FALSE(ReadAlertRecord(nlohmann::json{{"kind", "alert"}, {"alert", "not an object"}}));
  EXPECT_FALSE(ReadAlertRecord(nlohmann::json{{"kind", "alert"}}));
  EXPECT_FALSE(ReadActionRecord(nlohmann::json{{"kind", "action"}, {"duration_us", "slow"}}));
  EXPECT_FALSE(ReadPolicyRecord(nlohmann::json{{"kind", "policy"}, {"outcome", 3}}));
}

}  // namespace
}  // namespace riposte
