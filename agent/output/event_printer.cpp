#include "output/event_printer.h"

#include "output/event_format.h"
#include "state/process_info.h"

namespace riposte {

bool EventFilter::Matches(const Event& e) const {
  if (!types.empty() && types.find(EventTypeName(e)) == types.end()) return false;
  if (container.empty()) return true;
  if (!e.process) return false;
  const std::string& id = e.process->container_id;
  if (container == "host") return id.empty();
  return !id.empty() && id.starts_with(container);
}

Result<PrintFormat> ParsePrintFormat(const std::string& name) {
  if (name == "json") return PrintFormat::kJson;
  if (name == "text") return PrintFormat::kText;
  if (name == "none") return PrintFormat::kNone;
  return Error{"unknown output format '" + name + "' (json, text or none)"};
}

bool EventPrinter::Print(const Event& e) {
  if (format_ == PrintFormat::kNone || !filter_.Matches(e)) return false;
  std::string line = format_ == PrintFormat::kJson ? EventToJson(e, time_).dump(-1, ' ', false,
                                                      nlohmann::json::error_handler_t::replace)
                                                   : EventToText(e, time_);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), out_);
  ++printed_;
  return true;
}

}  // namespace riposte
