// Events per type, counted once per event by the capture loop: an array indexed by the
// syscall's place in the table (no name lookup on the hot path), names only when read.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "decode/event.h"
#include "kernel/syscall_table.h"

namespace riposte {

struct EventTypeCounts {
  EventTypeCounts() : per_syscall(KnownSyscalls().size(), 0) {}

  void Count(const Event& e) {
    ++events;
    if (e.kind == EventKind::kSyscall && e.syscall) ++per_syscall[e.syscall - KnownSyscalls().data()];
    else ++per_kind[static_cast<size_t>(e.kind)];
  }
  // Every type seen at least once, by name (syscall names, procexec/procfork/procexit).
  std::map<std::string, uint64_t> ByName() const {
    std::map<std::string, uint64_t> out;
    const auto known = KnownSyscalls();
    for (size_t i = 0; i < per_syscall.size(); ++i)
      if (per_syscall[i]) out[std::string(known[i].name)] = per_syscall[i];
    for (size_t k = 1; k < per_kind.size(); ++k)
      if (per_kind[k]) out[std::string(EventKindName(static_cast<EventKind>(k)))] = per_kind[k];
    return out;
  }

  uint64_t events = 0;  // decoded events
  std::vector<uint64_t> per_syscall;   // indexed as KnownSyscalls()
  std::array<uint64_t, 4> per_kind{};  // by EventKind; kSyscall unused
};

}  // namespace riposte
