// All live processes the agent knows, by pid. Bounded: when full, a new process is not
// tracked (and counted) rather than growing without limit; exited processes are removed
// as their exit is seen, and Sweep() removes those whose exit was lost.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>

#include "state/process_info.h"

namespace riposte {

class ProcessTable {
 public:
  explicit ProcessTable(size_t max_processes = 65536) : max_(max_processes) {}

  ProcessInfo* Find(uint32_t pid);
  const ProcessInfo* Find(uint32_t pid) const;
  // Inserts or replaces; returns null when the table is full.
  ProcessInfo* Put(ProcessInfo info);
  // Removes and returns the process (so an exit event can still show it).
  std::optional<ProcessInfo> Remove(uint32_t pid);
  // The n-th ancestor (1 = parent), or null where the chain is unknown.
  const ProcessInfo* Ancestor(const ProcessInfo& p, int n) const;
  // Removes every process for which `alive` says no; returns how many.
  size_t Sweep(const std::function<bool(const ProcessInfo&)>& alive);

  size_t size() const { return procs_.size(); }
  uint64_t overflowed() const { return overflowed_; }
  const std::unordered_map<uint32_t, ProcessInfo>& entries() const { return procs_; }

 private:
  size_t max_;
  std::unordered_map<uint32_t, ProcessInfo> procs_;
  uint64_t overflowed_ = 0;
};

}  // namespace riposte
