#include "audit/audit_records.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace riposte {
namespace {

struct KindName {
  AuditKind kind;
  std::string_view name;
};

constexpr KindName kKinds[] = {
    {AuditKind::kAgentStart, "agent_start"},     {AuditKind::kAgentStop, "agent_stop"},
    {AuditKind::kReload, "reload"},              {AuditKind::kKernelDrops, "kernel_drops"},
    {AuditKind::kAlertDropped, "alert_dropped"}, {AuditKind::kAlert, "alert"},
    {AuditKind::kPolicy, "policy"},              {AuditKind::kAction, "action"},
    {AuditKind::kBreaker, "breaker"},            {AuditKind::kRecoveredTail, "recovered_tail"},
    {AuditKind::kRotate, "rotate"},              {AuditKind::kAuditGap, "audit_gap"},
    {AuditKind::kSeal, "seal"},                  {AuditKind::kHeartbeat, "heartbeat"},
    {AuditKind::kEvidence, "evidence"},
};

Json Start(AuditKind kind) { return Json{{"kind", AuditKindName(kind)}}; }

template <typename T>
void Put(Json& j, const char* key, const std::optional<T>& value) {
  if (value) j[key] = *value;
}

// The fields every record about a policy's answer begins with; `kind` follows them.
Json WithContext(const PolicyContext& c, AuditKind kind) {
  Json j{{"alert_id", c.alert_id}, {"rule", c.rule}, {"policy", c.policy}};
  if (!c.sender.is_null()) j["sender"] = c.sender;
  j["kind"] = AuditKindName(kind);
  return j;
}

PolicyContext ReadContext(const nlohmann::json& r) {
  PolicyContext c;
  c.alert_id = r.value("alert_id", "");
  c.rule = r.value("rule", "");
  c.policy = r.value("policy", "");
  if (auto it = r.find("sender"); it != r.end()) c.sender = *it;
  return c;
}

template <typename T>
std::optional<T> Optional(const nlohmann::json& r, const char* key) {
  auto it = r.find(key);
  if (it == r.end()) return std::nullopt;
  return it->get<T>();
}

// nlohmann's accessors throw on a field of the wrong type: one error for the record.
template <typename F>
auto Reading(AuditKind kind, const nlohmann::json& r, F read) -> Result<decltype(read())> {
  if (!r.is_object() || KindOf(r) != kind) return Error{"not a " + std::string(AuditKindName(kind)) + " record"};
  try {
    return read();
  } catch (const std::exception& e) {  // nlohmann's, and a field that is no object
    return Error{"a " + std::string(AuditKindName(kind)) + " record of the wrong shape: " + e.what()};
  }
}

}  // namespace

std::string_view AuditKindName(AuditKind kind) {
  for (const auto& k : kKinds)
    if (k.kind == kind) return k.name;
  return "unknown";
}

std::optional<AuditKind> AuditKindOf(std::string_view name) {
  auto it = std::find_if(std::begin(kKinds), std::end(kKinds), [&](const KindName& k) { return k.name == name; });
  if (it == std::end(kKinds)) return std::nullopt;
  return it->kind;
}

Json ToJson(const AgentStartRecord& r) {
  Json j = Start(AuditKind::kAgentStart);
  Put(j, "mode", r.mode);
  Put(j, "version", r.version);
  Put(j, "dry_run_forced", r.dry_run_forced);
  Put(j, "policy_files", r.policy_files);
  Put(j, "in_kernel_selectors", r.in_kernel_selectors);
  Put(j, "listen", r.listen);
  return j;
}

Json ToJson(const AgentStopRecord& r) {
  Json j = Start(AuditKind::kAgentStop);
  Put(j, "mode", r.mode);
  j["alerts"] = r.alerts;
  Put(j, "kernel_kills", r.kernel_kills);
  return j;
}

Json ToJson(const ReloadRecord& r) {
  Json j = Start(AuditKind::kReload);
  j["outcome"] = r.outcome;
  Put(j, "trigger", r.trigger);
  Put(j, "error", r.error);
  Put(j, "in_kernel_selectors", r.in_kernel_selectors);
  return j;
}

Json ToJson(const KernelDropsRecord& r) {
  Json j = Start(AuditKind::kKernelDrops);
  j["dropped"] = r.dropped;
  j["total_dropped"] = r.total_dropped;
  j["sent"] = r.sent;
  return j;
}

Json ToJson(const AlertDroppedRecord& r) {
  Json j = Start(AuditKind::kAlertDropped);
  j["alert"] = r.alert;
  j["reason"] = r.reason;
  return j;
}

Json ToJson(const AlertRecord& r) {
  Json j = Start(AuditKind::kAlert);
  j["alert"] = r.alert;
  j["target"] = r.target;
  j["output"] = r.output;
  j["policies"] = r.policies;
  if (!r.sender.is_null()) j["sender"] = r.sender;
  return j;
}

Json ToJson(const PolicyRecord& r) {
  Json j = WithContext(r.context, AuditKind::kPolicy);
  j["mode"] = r.mode;
  j["outcome"] = r.outcome;
  j["reason"] = r.reason;
  return j;
}

Json ToJson(const ActionRecord& r) {
  Json j = WithContext(r.context, AuditKind::kAction);
  j["step"] = r.step;
  j["action"] = r.action;
  Put(j, "mode", r.mode);
  Put(j, "mode_reason", r.mode_reason);
  Put(j, "params", r.params);
  Put(j, "target", r.target);
  j["phase"] = r.phase;
  Put(j, "outcome", r.outcome);
  Put(j, "error", r.error);
  Put(j, "details", r.details);
  Put(j, "duration_us", r.duration_us);
  return j;
}

Json ToJson(const ManualActionRecord& r) {
  Json j = Start(AuditKind::kAction);
  j["policy"] = "manual";
  j["operator"] = r.operator_name;
  for (const auto& [k, v] : r.facts.items()) j[k] = v;
  return j;
}

Json ToJson(const BreakerRecord& r) {
  Json j = Start(AuditKind::kBreaker);
  j["state"] = r.state;
  j["reason"] = r.reason;
  return j;
}

Json ToJson(const RecoveredTailRecord& r) {
  Json j = Start(AuditKind::kRecoveredTail);
  j["removed_bytes"] = r.removed_bytes;
  j["removed_sha256"] = r.removed_sha256;
  j["reason"] = r.reason;
  return j;
}

Json ToJson(const RotateRecord& r) {
  Json j = Start(AuditKind::kRotate);
  j["previous_file"] = r.previous_file;
  return j;
}

Json ToJson(const AuditGapRecord& r) {
  Json j = Start(AuditKind::kAuditGap);
  j["refused_records"] = r.refused_records;
  j["first_refused"] = r.first_refused;
  j["last_refused"] = r.last_refused;
  j["error"] = r.error;
  j["records"] = r.records;
  j["records_listed"] = r.records.size();
  return j;
}

Json ToJson(const SealRecord& r) {
  Json j = Start(AuditKind::kSeal);
  j["epoch"] = r.epoch;
  j["epoch_start"] = r.epoch_start;
  j["epoch_end"] = r.epoch_end;
  j["reason"] = r.reason;
  j["sealed_seq"] = r.sealed_seq;
  j["mac"] = r.mac;
  return j;
}

Json ToJson(const HeartbeatRecord& r) {
  Json j = Start(AuditKind::kHeartbeat);
  j["interval_s"] = r.interval_s;
  return j;
}

Json ToJson(const EvidenceRecord& r) {
  Json j = WithContext(r.context, AuditKind::kEvidence);
  j["step"] = r.step;
  j["action"] = r.action;
  j["path"] = r.path;
  j["sha256"] = r.sha256;
  j["size"] = r.size;
  j["scope"] = r.scope;
  j["events"] = r.events;
  j["processes"] = r.processes;
  Put(j, "first", r.first);
  Put(j, "last", r.last);
  j["truncated"] = r.truncated;
  Put(j, "cut_short", r.cut_short);
  Put(j, "error", r.error);
  return j;
}

std::optional<AuditKind> KindOf(const nlohmann::json& record) {
  if (!record.is_object()) return std::nullopt;
  auto it = record.find("kind");
  if (it == record.end() || !it->is_string()) return std::nullopt;
  return AuditKindOf(it->get_ref<const std::string&>());
}

Result<AlertRecord> ReadAlertRecord(const nlohmann::json& r) {
  return Reading(AuditKind::kAlert, r, [&] {
    AlertRecord a;
    a.alert = r.at("alert");
    if (!a.alert.is_object()) throw std::invalid_argument("alert is not an object");
    a.target = r.value("target", nlohmann::json::object());
    a.output = r.value("output", "");
    a.policies = r.value("policies", std::vector<std::string>{});
    if (auto it = r.find("sender"); it != r.end()) a.sender = *it;
    return a;
  });
}

Result<PolicyRecord> ReadPolicyRecord(const nlohmann::json& r) {
  return Reading(AuditKind::kPolicy, r, [&] {
    PolicyRecord p;
    p.context = ReadContext(r);
    p.mode = r.value("mode", "");
    p.outcome = r.value("outcome", "");
    p.reason = r.value("reason", "");
    return p;
  });
}

Result<ActionRecord> ReadActionRecord(const nlohmann::json& r) {
  return Reading(AuditKind::kAction, r, [&] {
    ActionRecord a;
    a.context = ReadContext(r);
    a.step = r.value("step", "");
    a.action = r.value("action", "");
    a.mode = Optional<std::string>(r, "mode");
    a.mode_reason = Optional<std::string>(r, "mode_reason");
    a.params = Optional<Json>(r, "params");
    a.target = Optional<Json>(r, "target");
    a.phase = r.value("phase", "");
    a.outcome = Optional<std::string>(r, "outcome");
    a.error = Optional<std::string>(r, "error");
    a.details = Optional<Json>(r, "details");
    a.duration_us = Optional<int64_t>(r, "duration_us");
    return a;
  });
}

}  // namespace riposte
