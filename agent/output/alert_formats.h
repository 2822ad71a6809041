// An alert in the formats SIEMs read. Falco's JSON is riposte's own (rules/alert.h); the
// OCSF rendering is a Detection Finding (class 2004, OCSF 1.3.0), the ECS one an alert
// document (event.kind: alert, ECS 8.11). Both are made from the Falco JSON, so an alert
// Falco sent to `riposte respond` renders the same way as one riposte raised.
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace riposte {

enum class AlertFormat { kFalco, kOcsf, kEcs };
// "falco", "ocsf", "ecs"; nothing for another name.
std::optional<AlertFormat> AlertFormatNamed(std::string_view name);

// `falco`: an alert as AlertToJson makes it (time, rule, priority, source, hostname,
// output, tags, output_fields). kFalco returns it unchanged.
nlohmann::ordered_json RenderAlert(const nlohmann::json& falco, AlertFormat format);

}  // namespace riposte
