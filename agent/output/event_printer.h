// Prints the events that pass a filter (event types, container) as JSON lines or text.
#pragma once

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "decode/event.h"
#include "common/wall_time.h"

namespace riposte {

enum class PrintFormat { kJson, kText, kNone };

struct EventFilter {
  std::set<std::string, std::less<>> types;  // empty: every type
  std::string container;                     // "": any; "host": host only; else an id (prefix)
  bool Matches(const Event& e) const;
};

Result<PrintFormat> ParsePrintFormat(const std::string& name);

class EventPrinter {
 public:
  EventPrinter(PrintFormat format, EventFilter filter, FILE* out, TimeBase time)
      : format_(format), filter_(std::move(filter)), out_(out), time_(time) {}
  // Returns true if the event was printed.
  bool Print(const Event& e);
  uint64_t printed() const { return printed_; }
  void set_time_base(TimeBase t) { time_ = t; }

 private:
  PrintFormat format_;
  EventFilter filter_;
  FILE* out_;
  TimeBase time_;
  uint64_t printed_ = 0;
};

}  // namespace riposte
