// What a matching rule produces: the alert, with everything Falco puts in its JSON.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "rules/rule_compiler.h"
#include "state/container_info.h"

namespace riposte {

struct Alert {
  const CompiledRule* rule = nullptr;
  int64_t time_ns = 0;    // wall clock
  std::string hostname;
  std::string output;     // the rule's output with fields substituted
  nlohmann::json output_fields;  // field -> value, numbers as numbers, missing as null
  // Who it is about, for policies and responders.
  uint32_t pid = 0;
  uint32_t ppid = 0;  // known even after the process is gone
  uint64_t process_start_boottime_ns = 0;
  std::string container_id;
  std::shared_ptr<ContainerEntry> container;  // the runtime's description, when known
  std::string process_name;  // comm
  std::string exepath;
  // Non-zero: the capture program already killed the process in the syscall's context
  // (in-kernel kill selector number + 1).
  uint32_t kernel_kill = 0;
};

// Falco's JSON alert: time, rule, priority, source, hostname, output, tags, output_fields.
nlohmann::json AlertToJson(const Alert& a);
// Falco's text line: "<time>: <Priority> <output>".
std::string AlertToText(const Alert& a);

}  // namespace riposte
