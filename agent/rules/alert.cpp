#include "rules/alert.h"

#include <ctime>

#include "output/event_format.h"

namespace riposte {
namespace {

// Falco prefixes the output with the time of day, nanoseconds included.
std::string TimeOfDay(int64_t wall_ns) {
  time_t secs = static_cast<time_t>(wall_ns / 1000000000);
  tm local{};
  localtime_r(&secs, &local);
  char buf[48];
  size_t n = strftime(buf, sizeof(buf), "%H:%M:%S", &local);
  snprintf(buf + n, sizeof(buf) - n, ".%09lld", static_cast<long long>(wall_ns % 1000000000));
  return buf;
}

}  // namespace

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
  return TimeOfDay(a.time_ns) + ": " + std::string(PriorityName(a.rule->def.priority)) + " " + a.output;
}

}  // namespace riposte
