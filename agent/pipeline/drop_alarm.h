// Kernel drops are never silent. When the ring buffer was full and records were lost,
// the agent may have missed the very event a rule exists for: like Falco's
// `syscall_event_drops`, it says so through the configured actions — a log line, an
// alert (to the alert outputs, the audit trail and the policies, which can match it by
// its rule name), or stopping the agent — at most once per interval, with the counts.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rules/rule_items.h"

namespace riposte {

struct DropAlarmOptions {
  bool log = true;
  bool alert = true;
  bool exit = false;
  Priority priority = Priority::kCritical;
  std::chrono::seconds interval{30};
};
inline constexpr const char* kDropRuleName = "riposte internal: syscall event drops";

class DropAlarm {
 public:
  struct Report {
    uint64_t dropped = 0;        // since the last report
    uint64_t total_dropped = 0;  // since the agent started
    uint64_t sent = 0;           // records the kernel delivered since the last report
    std::string Text() const;
  };
  explicit DropAlarm(DropAlarmOptions options) : options_(options) {}
  // Called with the kernel's running totals (about once a second); a report when records
  // were dropped and no report went out within the interval. Drops within the interval
  // are carried into the next report, never lost from the count.
  std::optional<Report> Check(uint64_t total_dropped, uint64_t total_sent, std::chrono::steady_clock::time_point now);
  const DropAlarmOptions& options() const { return options_; }

 private:
  DropAlarmOptions options_;
  uint64_t reported_dropped_ = 0, reported_sent_ = 0;
  std::optional<std::chrono::steady_clock::time_point> last_;
};

}  // namespace riposte
