// Alerts and audit records as OCSF 1.3.0 and ECS 8.11 documents: every attribute the
// published schema requires is there, with the type the schema gives it, and the values
// follow riposte's own (rule, priority, target, outcome). The required attribute lists are
// read from ocsf-schema v1.3.0: events/base_event.json, events/findings/finding.json,
// objects/finding_info.json, objects/metadata.json, objects/product.json,
// events/remediation/remediation_activity.json, process_remediation_activity.json.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/record_formats.h"
#include "common/wall_time.h"
#include "output/alert_formats.h"

namespace riposte {
namespace {

using nlohmann::json;

const json kFalcoAlert = json::parse(R"({
  "time": "2026-12-06T14:00:00.123456789Z", "rule": "Terminal shell in container", "priority": "Notice",
  "source": "syscall", "hostname": "node-1", "output": "14:00:00.123456789: Notice A shell was spawned",
  "tags": ["container", "shell", "mitre_execution"],
  "output_fields": {"proc.pid": 4242, "proc.name": "bash", "proc.cmdline": "bash -i", "proc.exepath": "/bin/bash",
                    "proc.pname": "runc", "user.name": "root", "container.id": "0123456789ab", "container.name": "web",
                    "container.image.repository": "nginx", "container.image.tag": "1.27", "k8s.ns.name": "prod",
                    "k8s.pod.name": "web-7d9", "fd.name": null}
})");

void ExpectOcsfBase(const json& j) {
  for (const char* key : {"activity_id", "category_uid", "class_uid", "metadata", "severity_id", "time", "type_uid"})
    EXPECT_TRUE(j.contains(key)) << key << " (base_event) missing in " << j.dump();
  EXPECT_TRUE(j["activity_id"].is_number_integer());
  EXPECT_TRUE(j["time"].is_number_integer());
  EXPECT_EQ(j["type_uid"], j["class_uid"].get<int>() * 100 + j["activity_id"].get<int>());
  EXPECT_EQ(j["metadata"]["version"], "1.3.0");
  EXPECT_TRUE(j["metadata"]["product"].contains("vendor_name"));
}

TEST(SiemFormats, AnAlertIsAnOcsfDetectionFinding) {
  const json j = RenderAlert(kFalcoAlert, AlertFormat::kOcsf);
  ExpectOcsfBase(j);
  EXPECT_EQ(j["class_uid"], 2004);
  EXPECT_EQ(j["category_uid"], 2);
  EXPECT_EQ(j["type_uid"], 200401);
  EXPECT_EQ(j["time"], 1796565600123);
  EXPECT_EQ(j["severity_id"], 2);  // Notice: Low
  ASSERT_TRUE(j.contains("finding_info"));  // finding.json
  EXPECT_EQ(j["finding_info"]["title"], "Terminal shell in container");  // finding_info.json: title, uid
  EXPECT_TRUE(j["finding_info"]["uid"].is_string());
  EXPECT_EQ(j["process"]["pid"], 4242);
  EXPECT_EQ(j["process"]["file"]["path"], "/bin/bash");
  EXPECT_EQ(j["container"]["uid"], "0123456789ab");
  EXPECT_EQ(j["unmapped"]["k8s.pod.name"], "web-7d9");
  EXPECT_EQ(RenderAlert(kFalcoAlert, AlertFormat::kFalco), kFalcoAlert);
}

TEST(SiemFormats, AnAlertIsAnEcsAlert) {
  const json j = RenderAlert(kFalcoAlert, AlertFormat::kEcs);
  EXPECT_EQ(j["@timestamp"], "2026-12-06T14:00:00.123456789Z");
  EXPECT_EQ(j["ecs"]["version"], "8.11.0");
  EXPECT_EQ(j["event"]["kind"], "alert");
  ASSERT_TRUE(j["event"]["category"].is_array());
  EXPECT_EQ(j["event"]["category"][0], "intrusion_detection");
  EXPECT_EQ(j["event"]["category"][1], "process");
  EXPECT_TRUE(j["event"]["type"].is_array());
  EXPECT_EQ(j["rule"]["name"], "Terminal shell in container");
  EXPECT_EQ(j["process"]["command_line"], "bash -i");
  EXPECT_EQ(j["process"]["parent"]["name"], "runc");
  EXPECT_EQ(j["container"]["image"]["tag"], json::array({"1.27"}));  // ECS: an array of keywords
  EXPECT_EQ(j["orchestrator"]["namespace"], "prod");
  EXPECT_EQ(j["orchestrator"]["resource"]["name"], "web-7d9");
  EXPECT_FALSE(j.contains("file")) << "a null field is not rendered";
  EXPECT_EQ(AlertFormatNamed("ocsf"), AlertFormat::kOcsf);
  EXPECT_FALSE(AlertFormatNamed("cef"));
}

const json kKillResult = json::parse(R"({
  "seq": 42, "time": "2026-12-06T14:00:01.5Z", "host": "node-1", "prev_hash": "ab", "alert_id": "a1-7",
  "rule": "Terminal shell in container", "policy": "kill-shells", "kind": "action", "step": 1,
  "action": "process.kill", "mode": "enforce", "target": {"pid": 4242, "process": "bash", "container_id": "0123456789ab"},
  "phase": "result", "outcome": "done", "details": {"path": "pidfd"}, "duration_us": 800
})");

TEST(SiemFormats, AnActionResultIsAnOcsfRemediationActivity) {
  auto j = RenderRecord(kKillResult, RecordFormat::kOcsf, "0.1.0");
  ASSERT_TRUE(j);
  ExpectOcsfBase(*j);
  EXPECT_EQ((*j)["category_uid"], 7);
  EXPECT_EQ((*j)["class_uid"], 7003);  // Process Remediation Activity: process required
  EXPECT_EQ((*j)["activity_id"], 2);   // Evict (D3FEND: process termination)
  EXPECT_EQ((*j)["process"]["pid"], 4242);
  EXPECT_EQ((*j)["command_uid"], "a1-7/1");  // remediation_activity.json: command_uid required
  EXPECT_EQ((*j)["status_id"], 1);
  EXPECT_EQ((*j)["time"], 1796565601500);

  json pause = kKillResult;
  pause["action"] = "container.pause";
  pause["mode"] = "dry-run";
  pause["outcome"] = "would_have";
  auto p = RenderRecord(pause, RecordFormat::kOcsf, "0.1.0");
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)["class_uid"], 7001);
  EXPECT_EQ((*p)["activity_id"], 1);  // Isolate
  EXPECT_EQ((*p)["status_id"], 99);   // neither success nor failure: it was not done
  EXPECT_NE((*p)["message"].get<std::string>().find("dry-run"), std::string::npos);

  json planned = kKillResult;
  planned["phase"] = "planned";
  EXPECT_FALSE(RenderRecord(planned, RecordFormat::kOcsf, "0.1.0"));
  EXPECT_FALSE(RenderRecord(json{{"seq", 1}, {"kind", "seal"}}, RecordFormat::kOcsf, "0.1.0"));
}

TEST(SiemFormats, EveryRecordIsAnEcsEvent) {
  auto j = RenderRecord(kKillResult, RecordFormat::kEcs, "0.1.0");
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["event"]["kind"], "event");
  EXPECT_EQ((*j)["event"]["action"], "process.kill");
  EXPECT_EQ((*j)["event"]["outcome"], "success");
  EXPECT_EQ((*j)["event"]["sequence"], 42);
  EXPECT_EQ((*j)["event"]["category"], json::array({"process"}));
  EXPECT_EQ((*j)["event"]["type"], json::array({"end"}));
  EXPECT_EQ((*j)["riposte"]["audit"], kKillResult);
  auto seal = RenderRecord(json{{"seq", 9}, {"kind", "seal"}, {"time", "2026-12-06T14:00:00Z"}}, RecordFormat::kEcs, "0.1.0");
  ASSERT_TRUE(seal);
  EXPECT_EQ((*seal)["event"]["action"], "seal");
  EXPECT_FALSE((*seal)["event"].contains("outcome"));
  EXPECT_EQ(RenderRecord(kKillResult, RecordFormat::kRiposte, "0.1.0"), kKillResult);
}

TEST(SiemFormats, HostileShapesNeverThrow) {
  // What a remote Falco or a damaged trail may hold: every member of the wrong type.
  const json hostile = json::parse(R"({"time": 5, "rule": ["x"], "priority": {}, "source": 1, "hostname": null,
    "output": 3.5, "tags": "shell", "output_fields": [1, 2], "uuid": false})");
  for (auto f : {AlertFormat::kOcsf, AlertFormat::kEcs}) EXPECT_NO_THROW(RenderAlert(hostile, f));
  const json record = json::parse(R"({"seq": "x", "kind": "action", "phase": "result", "action": 7, "step": "kill",
    "alert_id": 9, "target": "pid 1", "outcome": [], "details": 1, "time": null})");
  for (auto f : {RecordFormat::kOcsf, RecordFormat::kEcs}) {
    std::optional<nlohmann::ordered_json> r;
    EXPECT_NO_THROW(r = RenderRecord(record, f, "0.1.0"));
    EXPECT_TRUE(r);
  }
  EXPECT_EQ((*RenderRecord(record, RecordFormat::kOcsf, "0.1.0"))["command_uid"], "9/kill");
  EXPECT_NO_THROW(RenderRecord(json::array({1}), RecordFormat::kEcs, "0.1.0"));
}

TEST(WallTime, Rfc3339ReadsBackWhatItWrites) {
  EXPECT_EQ(ParseRfc3339(FormatRfc3339(1796565600123456789)), 1796565600123456789);
  EXPECT_EQ(ParseRfc3339("2026-12-06T14:00:00Z"), 1796565600000000000);
  EXPECT_EQ(ParseRfc3339("2026-12-06T14:00:00.5Z"), 1796565600500000000);
  EXPECT_FALSE(ParseRfc3339("yesterday"));
  EXPECT_FALSE(ParseRfc3339("2026-12-06T14:00:00."));
}

}  // namespace
}  // namespace riposte
