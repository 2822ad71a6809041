// What the capture thread counts per event: plain counters owned by that thread alone
// (an atomic increment per event would cost more than the count is worth), copied to
// the metrics now and then.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "decode/event.h"
#include "kernel/syscall_table.h"

namespace riposte {

struct PipelineCounts {
  PipelineCounts() : per_syscall(KnownSyscalls().size(), 0) {}

  void CountEvent(const Event& e) {
    ++events;
    if (e.kind == EventKind::kSyscall && e.syscall) ++per_syscall[e.syscall - KnownSyscalls().data()];
    else ++per_kind[static_cast<size_t>(e.kind)];
  }
  void CountAlert(const std::string& rule, std::string_view priority) { ++alerts[{rule, std::string(priority)}]; }

  uint64_t events = 0;
  std::vector<uint64_t> per_syscall;  // indexed as KnownSyscalls()
  std::array<uint64_t, 4> per_kind{};  // by EventKind; kSyscall unused
  std::map<std::pair<std::string, std::string>, uint64_t> alerts;  // (rule, priority)
};

}  // namespace riposte
