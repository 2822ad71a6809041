#include "pipeline/drop_alarm.h"

#include <fmt/format.h>

namespace riposte {

std::string DropAlarm::Report::Text() const {
  return fmt::format("{}: {} records dropped by the kernel (ring buffer full) since the last report, {} sent; "
                     "{} dropped since start. Rules may have missed events.",
                     kDropRuleName, dropped, sent, total_dropped);
}

std::optional<DropAlarm::Report> DropAlarm::Check(uint64_t total_dropped, uint64_t total_sent,
                                                  std::chrono::steady_clock::time_point now) {
  if (total_dropped <= reported_dropped_) return std::nullopt;
  if (last_ && now - *last_ < options_.interval) return std::nullopt;
  Report r{total_dropped - reported_dropped_, total_dropped, total_sent - reported_sent_};
  reported_dropped_ = total_dropped;
  reported_sent_ = total_sent;
  last_ = now;
  return r;
}

}  // namespace riposte
