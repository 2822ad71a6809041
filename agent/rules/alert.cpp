#include "rules/alert.h"

#include "common/wall_time.h"

namespace riposte {

nlohmann::json AlertToJson(const Alert& a) {
  return nlohmann::json{{"time", FormatRfc3339(a.time_ns)},
                        {"rule", a.rule->def.name},
                        {"priority", PriorityName(a.rule->def.priority)},
                        {"source", a.rule->def.source},
                        {"hostname", a.hostname},
                        {"output", AlertToText(a)},
                        {"tags", a.rule->def.tags},
                        {"output_fields", a.output_fields}};
}

std::string AlertToText(const Alert& a) {
  return FormatTimeOfDay(a.time_ns) + ": " + std::string(PriorityName(a.rule->def.priority)) + " " + a.output;
}

}  // namespace riposte
