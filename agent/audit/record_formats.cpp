#include "audit/record_formats.h"

#include <string>

#include "common/siem_schema.h"

namespace riposte {
namespace {

using Json = nlohmann::ordered_json;

struct ActionClass {
  std::string_view action;
  int class_uid;          // 7001 Remediation Activity, 7003 Process Remediation Activity
  int activity_id;        // 1 Isolate, 2 Evict, 3 Restore, 4 Harden, 99 Other
  std::string_view ecs_category;
  std::string_view ecs_type;
};

// riposte's actions as OCSF and ECS see them: a closed set, as data.
constexpr ActionClass kActions[] = {
    {"process.kill", 7003, 2, "process", "end"},
    {"container.pause", 7001, 1, "process", "change"},
    {"container.resume", 7001, 3, "process", "change"},
    {"container.stop", 7001, 2, "process", "end"},
    {"container.kill", 7001, 2, "process", "end"},
    {"network.quarantine", 7001, 1, "network", "denied"},
    {"network.release", 7001, 3, "network", "allowed"},
    {"seccomp.tighten", 7001, 4, "process", "change"},
};

const ActionClass* ClassOf(std::string_view action) {
  for (const auto& c : kActions)
    if (c.action == action) return &c;
  return nullptr;
}

std::string_view ActivityName(int id) {
  switch (id) {
    case 1: return "Isolate";
    case 2: return "Evict";
    case 3: return "Restore";
    case 4: return "Harden";
    default: return "Other";
  }
}


// done → success; would_have (dry-run) and the skips → neither; failures → failure.
std::string_view EcsOutcome(std::string_view outcome) {
  if (outcome == "done") return "success";
  if (outcome == "failed" || outcome == "unavailable") return "failure";
  return "unknown";
}
int OcsfStatus(std::string_view outcome) {
  if (outcome == "done") return 1;  // Success
  if (outcome == "failed" || outcome == "unavailable") return 2;  // Failure
  return 99;  // Other: would_have, target_gone, skipped_*
}

std::optional<Json> Ocsf(const nlohmann::json& r, std::string_view version) {
  if (TextOf(r, "kind") != "action" || TextOf(r, "phase") != "result") return std::nullopt;
  const std::string action = TextOf(r, "action");
  const ActionClass* c = ClassOf(action);
  const int class_uid = c ? c->class_uid : 7001;
  const int activity = c ? c->activity_id : 99;
  const std::string outcome = TextOf(r, "outcome");
  Json j{{"class_uid", class_uid},
         {"class_name", class_uid == 7003 ? "Process Remediation Activity" : "Remediation Activity"},
         {"category_uid", 7},
         {"category_name", "Remediation"},
         {"activity_id", activity},
         {"activity_name", ActivityName(activity)},
         {"type_uid", class_uid * 100 + activity},
         {"time", OcsfTimeOf(TextOf(r, "time"))},
         {"severity_id", 1},
         {"status_id", OcsfStatus(outcome)},
         {"status", outcome},
         {"command_uid", TextOf(r, "alert_id") + "/" + TextOf(r, "step")},
         {"message", action + " " + outcome + (TextOf(r, "mode") == "dry-run" ? " (dry-run)" : "")},
         {"metadata", OcsfMetadata(version)},
         {"device", {{"hostname", TextOf(r, "host")}, {"type_id", 0}}}};
  const nlohmann::json target = ObjectOf(r, "target");
  if (class_uid == 7003) {
    // OCSF's process object needs a pid or a uid.
    Json process{{"pid", NumberOf(target, "pid")}};
    if (target.contains("process")) process["name"] = target["process"];
    j["process"] = std::move(process);
  }
  if (target.contains("container_id")) {
    Json container{{"uid", target["container_id"]}};
    if (target.contains("container_name")) container["name"] = target["container_name"];
    if (target.contains("image")) container["image"] = {{"name", target["image"]}};
    j["container"] = std::move(container);
  }
  if (c) j["countermeasures"] = Json::array({{{"name", ActivityName(activity)}, {"uid", action}}});
  j["unmapped"] = {{"riposte.seq", NumberOf(r, "seq")},      {"riposte.policy", TextOf(r, "policy")},
                   {"riposte.rule", TextOf(r, "rule")},    {"riposte.mode", TextOf(r, "mode")},
                   {"riposte.action", action},               {"riposte.target", target},
                   {"riposte.details", ObjectOf(r, "details")}};
  return j;
}

Json Ecs(const nlohmann::json& r, std::string_view version) {
  const std::string kind = TextOf(r, "kind");
  const std::string action = kind == "action" ? TextOf(r, "action") : kind;
  const ActionClass* c = ClassOf(action);
  Json event{{"kind", "event"},
             {"category", Json::array({c ? c->ecs_category : std::string_view("configuration")})},
             {"type", Json::array({c ? c->ecs_type : std::string_view("info")})},
             {"action", action},
             {"module", "riposte"},
             {"dataset", "riposte.audit"},
             {"sequence", NumberOf(r, "seq")}};
  if (r.contains("outcome")) event["outcome"] = EcsOutcome(TextOf(r, "outcome"));
  Json j{{"@timestamp", TextOf(r, "time")},
         {"message", kind == "action" ? action + " " + (r.contains("outcome") ? TextOf(r, "outcome") : TextOf(r, "phase")) : kind},
         {"ecs", {{"version", kEcsVersion}}},
         {"event", std::move(event)},
         {"host", {{"hostname", TextOf(r, "host")}}},
         {"observer", {{"product", "riposte"}, {"vendor", "riposte"}, {"version", version}}}};
  if (r.contains("rule")) j["rule"] = {{"name", TextOf(r, "rule")}};
  const nlohmann::json target = ObjectOf(r, "target");
  if (target.contains("pid")) {
    j["process"] = {{"pid", target["pid"]}};
    if (target.contains("process")) j["process"]["name"] = target["process"];
  }
  if (target.contains("container_id")) {
    j["container"] = {{"id", target["container_id"]}};
    if (target.contains("container_name")) j["container"]["name"] = target["container_name"];
    if (target.contains("image")) j["container"]["image"]["name"] = target["image"];
  }
  if (target.contains("namespace")) {
    j["orchestrator"] = {{"type", "kubernetes"}, {"namespace", target["namespace"]}};
    if (target.contains("pod")) j["orchestrator"]["resource"] = {{"type", "pod"}, {"name", target["pod"]}};
  }
  // The record itself, for what ECS has no field for (and to find it in the trail by seq).
  j["riposte"] = {{"audit", r}};
  return j;
}

}  // namespace

std::optional<RecordFormat> RecordFormatNamed(std::string_view name) {
  if (name == "riposte") return RecordFormat::kRiposte;
  if (name == "ocsf") return RecordFormat::kOcsf;
  if (name == "ecs") return RecordFormat::kEcs;
  return std::nullopt;
}

std::optional<nlohmann::ordered_json> RenderRecord(const nlohmann::json& record, RecordFormat format,
                                                   std::string_view product_version) {
  // Shapes are read defensively (siem_schema.h); should a rendering still throw, the record
  // is not rendered rather than the shipper's thread ended.
  try {
    switch (format) {
      case RecordFormat::kOcsf: return Ocsf(record, product_version);
      case RecordFormat::kEcs: return Ecs(record, product_version);
      case RecordFormat::kRiposte: break;
    }
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return nlohmann::ordered_json(record);
}

}  // namespace riposte
