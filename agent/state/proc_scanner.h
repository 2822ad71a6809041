// Reads processes that already run when the agent starts (or whose exec the agent missed)
// from /proc, into the same ProcessInfo the kernel's exec records fill.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>

#include "state/proc_files.h"
#include "state/process_info.h"

namespace riposte {

class ProcScanner {
 public:
  // `proc_root` is "/proc" except in tests.
  explicit ProcScanner(std::string proc_root = "/proc");

  // One process, or nullopt if it is gone or unreadable.
  std::optional<ProcessInfo> ReadProcess(uint32_t pid, bool with_fds = true) const;
  // Only what /proc/PID/stat says (comm, ppid, pgid, sid, tty, start time, kernel
  // thread): one small read, for callers on a response's path.
  std::optional<ProcessInfo> ReadStat(uint32_t pid) const;
  // Whether a start time read from /proc (tick resolution) is the kernel's (ns) one.
  bool SameStart(const ProcessInfo& from_proc, uint64_t kernel_start_ns) const;
  // Whether pid still exists with the same start time (a pid may be reused).
  bool IsAlive(const ProcessInfo& p) const;
  // Calls `sink` for every process in /proc.
  template <typename Sink>
  size_t ScanAll(Sink&& sink);

  // One fd of a live process (its path as /proc names it: symlinks resolved), or nullopt.
  std::optional<FdInfo> ReadFd(uint32_t pid, int64_t fd) const;
  // Sockets by inode, from /proc/net, so pre-existing socket fds get a type and name.
  void LoadSocketInodes();
  // Every process id in /proc, ascending.
  std::vector<uint32_t> ListPids() const;

 private:
  void ReadFds(uint32_t pid, ProcessInfo& p) const;
  std::optional<FdInfo> DescribeFd(const std::string& link) const;

  std::string root_;
  std::string cgroup_v2_root_;  // for the controllers a v2 cgroup enables
  uint64_t ns_per_tick_;
  std::unordered_map<uint64_t, FdInfo> sockets_by_inode_;
};

template <typename Sink>
size_t ProcScanner::ScanAll(Sink&& sink) {
  LoadSocketInodes();
  size_t n = 0;
  for (uint32_t pid : ListPids()) {
    if (auto p = ReadProcess(pid)) {
      sink(std::move(*p));
      ++n;
    }
  }
  sockets_by_inode_.clear();
  return n;
}


}  // namespace riposte
