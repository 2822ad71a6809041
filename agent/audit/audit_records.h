// Every kind of audit record as a type: one struct per kind, the kind names in one table,
// serialised in one place (ToJson, audit_records.cpp) and read back through the same
// types (Read*, used by `riposte tune`'s summary; the verifier checks each record's kind
// against the table). The writer (audit_log.h) puts seq, time, host and prev_hash in
// front; docs/audit.md describes each kind's fields.
//
// Optional fields are written only when set, in a fixed order per kind: the JSON lines
// are exactly what the writers produced before the records were typed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace riposte {

enum class AuditKind : uint8_t {
  kAgentStart,
  kAgentStop,
  kReload,
  kKernelDrops,
  kAlertDropped,
  kAlert,
  kPolicy,
  kAction,
  kBreaker,
  kRecoveredTail,
  kRotate,
  kAuditGap,
  kSeal,
  kHeartbeat,
  kEvidence,
};
std::string_view AuditKindName(AuditKind kind);
// Nothing for a name that is no kind.
std::optional<AuditKind> AuditKindOf(std::string_view name);

using Json = nlohmann::ordered_json;

// The agent started. `run` writes version, dry_run_forced, policy_files and
// in_kernel_selectors; `respond` writes mode and listen.
struct AgentStartRecord {
  std::optional<std::string> mode;
  std::optional<std::string> version;
  std::optional<bool> dry_run_forced;
  std::optional<Json> policy_files;
  std::optional<uint64_t> in_kernel_selectors;
  std::optional<Json> listen;
};

struct AgentStopRecord {
  std::optional<std::string> mode;
  uint64_t alerts = 0;
  std::optional<uint64_t> kernel_kills;
};

struct ReloadRecord {
  std::string outcome;  // done | refused
  std::optional<std::string> trigger;
  std::optional<std::string> error;
  std::optional<uint64_t> in_kernel_selectors;
};

struct KernelDropsRecord {
  uint64_t dropped = 0;
  uint64_t total_dropped = 0;
  uint64_t sent = 0;
};

struct AlertDroppedRecord {
  Json alert;  // AlertFacts::Reference()
  std::string reason;
};

// An alert some policy answers, before any of its steps.
struct AlertRecord {
  Json alert;   // AlertFacts::Reference(): id, rule, priority, time, source...
  Json target;  // the target as resolved
  std::string output;
  std::vector<std::string> policies;
  Json sender;  // null: the alert came from the agent's own rules
};

// What every record about one policy's answer to one alert starts with.
struct PolicyContext {
  std::string alert_id;
  std::string rule;
  std::string policy;
  Json sender;  // null: none
};

// A policy that answers nothing for this alert, and why (protected, deduplicated, rate
// limited).
struct PolicyRecord {
  PolicyContext context;
  std::string mode;
  std::string outcome;
  std::string reason;
};

// One step of a policy: `planned` before the responder runs, `result` after. The mode,
// params and target are there once the step got as far as choosing its mode.
struct ActionRecord {
  PolicyContext context;
  std::string step;
  std::string action;
  std::optional<std::string> mode;
  std::optional<std::string> mode_reason;
  std::optional<Json> params;
  std::optional<Json> target;
  std::string phase;  // planned | result
  std::optional<std::string> outcome;
  std::optional<std::string> error;
  std::optional<Json> details;
  std::optional<int64_t> duration_us;
};

// An action an operator ran by hand (riposte container ..., riposte quarantine release):
// kind action, policy manual, who, then what the command did.
struct ManualActionRecord {
  std::string operator_name;
  Json facts = Json::object();
};

struct BreakerRecord {
  std::string state;  // tripped
  std::string reason;
};

struct RecoveredTailRecord {
  uint64_t removed_bytes = 0;
  std::string removed_sha256;
  std::string reason;
};

struct RotateRecord {
  std::string previous_file;
};

// A MAC of the chain head under the epoch's sealing key (audit/audit_seal.h).
struct SealRecord {
  uint64_t epoch = 0;
  std::string epoch_start, epoch_end;  // RFC 3339
  std::string reason;                  // "epoch_end", "stop", "start" (an epoch left unsealed by a crash)
  uint64_t sealed_seq = 0;             // the last record the seal covers (the one before it)
  std::string mac;                     // hex HMAC-SHA-256
};

// Nothing was written for `interval_s`: the writer is alive and the trail goes on here.
struct HeartbeatRecord {
  uint64_t interval_s = 0;
};

// A capture closed: the file a `capture` step started, now written, synced and hashed
// (the step's own action record says where and what; this one what the file holds).
struct EvidenceRecord {
  PolicyContext context;
  std::string step;
  std::string action = "capture";
  std::string path;
  std::string sha256;  // "" when the file could not be written (error says why)
  uint64_t size = 0;
  std::string scope;
  uint64_t events = 0;
  uint64_t processes = 0;
  std::optional<std::string> first, last;  // RFC 3339: the records' time range
  bool truncated = false;
  std::optional<std::string> cut_short;
  std::optional<std::string> error;
};

struct AuditGapRecord {
  uint64_t refused_records = 0;
  std::string first_refused;
  std::string last_refused;
  std::string error;
  Json records = Json::array();  // a summary of each refused record, up to a bound
};

Json ToJson(const AgentStartRecord& r);
Json ToJson(const AgentStopRecord& r);
Json ToJson(const ReloadRecord& r);
Json ToJson(const KernelDropsRecord& r);
Json ToJson(const AlertDroppedRecord& r);
Json ToJson(const AlertRecord& r);
Json ToJson(const PolicyRecord& r);
Json ToJson(const ActionRecord& r);
Json ToJson(const ManualActionRecord& r);
Json ToJson(const BreakerRecord& r);
Json ToJson(const RecoveredTailRecord& r);
Json ToJson(const RotateRecord& r);
Json ToJson(const AuditGapRecord& r);
Json ToJson(const SealRecord& r);
Json ToJson(const HeartbeatRecord& r);
Json ToJson(const EvidenceRecord& r);

// The kind of a record read back; nothing when it has no known kind.
std::optional<AuditKind> KindOf(const nlohmann::json& record);
// Read back what `tune` needs; an error for a record of the wrong shape.
Result<AlertRecord> ReadAlertRecord(const nlohmann::json& record);
Result<PolicyRecord> ReadPolicyRecord(const nlohmann::json& record);
Result<ActionRecord> ReadActionRecord(const nlohmann::json& record);

}  // namespace riposte
