// Audit records in the formats SIEMs read, for a collector that wants them rather than
// riposte's own lines (which only riposte's own lines can verify: the chain hashes them).
// OCSF 1.3.0: an action's result is a Remediation category event — Process Remediation
// Activity (7003) for process.kill, Remediation Activity (7001) for the container,
// network and seccomp actions, whose target is not one OCSF object — with activity
// Isolate, Evict, Restore or Harden as D3FEND names them; other records have no OCSF
// class here and are not rendered. ECS 8.11: every record is an event document
// (event.kind: event, event.action: the action or the record's kind, event.outcome).
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace riposte {

enum class RecordFormat { kRiposte, kOcsf, kEcs };
// "riposte", "ocsf", "ecs"; nothing for another name.
std::optional<RecordFormat> RecordFormatNamed(std::string_view name);

// Nothing when the format has no rendering for this record (OCSF: all but action results).
std::optional<nlohmann::ordered_json> RenderRecord(const nlohmann::json& record, RecordFormat format,
                                                   std::string_view product_version);

}  // namespace riposte
