// What the response side knows about an alert, whichever way it came: from riposte's own
// rule engine, or as Falco's JSON posted to `riposte respond`. Policies match on it,
// responders act on its target, the audit log refers to it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "rules/alert.h"
#include "rules/rule_items.h"
#include "state/container_info.h"

namespace riposte {

// Who an alert is about. Empty strings and zeros are "unknown".
struct AlertTarget {
  uint32_t pid = 0;
  uint32_t ppid = 0;               // the parent when the alert was raised (0: unknown)
  uint64_t start_boottime_ns = 0;  // with pid, names one process for its whole life
  std::string process_name;        // comm
  std::string exepath;
  std::string container_id;        // "host" for host processes; full id when known
  std::string container_name;
  std::string container_image;     // repository[:tag]
  std::string k8s_namespace;
  std::string pod_name;
  std::string pod_uid;
  std::map<std::string, std::string> pod_labels;
  bool in_container() const { return !container_id.empty() && container_id != "host"; }
};

struct AlertFacts {
  std::string id;  // reference used across the audit records of this alert
  std::string rule;
  Priority priority = Priority::kDebug;
  std::string source = "syscall";
  std::vector<std::string> tags;
  int64_t time_ns = 0;  // wall clock
  std::string hostname;
  std::string output;
  nlohmann::json output_fields = nlohmann::json::object();
  AlertTarget target;
  // Non-zero: the capture program already killed the process in the syscall's context
  // (kill selector number + 1).
  uint32_t kernel_kill = 0;
  // Who sent the alert, when it came over `riposte respond` (null for the agent's own):
  // transport and uid/pid, certificate subject or token id. Named in every audit record.
  nlohmann::ordered_json sender;

  // A field for `when:` conditions: the alert's own keys (rule, priority, source, tags,
  // hostname) and its output fields by their Falco names.
  std::optional<std::string> Field(std::string_view name) const;
  // The reference the audit log carries: id, rule, priority, time, target.
  nlohmann::ordered_json Reference() const;
};

AlertFacts FactsFromAlert(const Alert& alert, std::string id);
// Fills what the target lacks from the runtime's description of its container.
void TargetFromContainer(const ContainerInfo& info, AlertTarget& target);

// Fills an alert's container facts (image, pod, full id) from the runtime when the alert
// lacks them: a Falco alert names a 12-character id, and an alert raised in a container's
// first instant may predate the runtime's answer. May wait on the runtime; `containers`
// may be null (no container directory: nothing to add).
void CompleteAlertTarget(ContainerDescriber* containers, AlertFacts& alert);
// Falco's alert JSON (as http_output or Falcosidekick post it). Needs rule, priority and
// output_fields (may be empty); errors say which key is missing or of the wrong type.
Result<AlertFacts> FactsFromFalcoJson(const nlohmann::json& json, std::string id);
// The largest process id the kernel hands out (PID_MAX_LIMIT).
inline constexpr uint32_t kMaxPid = 4194304;

}  // namespace riposte
