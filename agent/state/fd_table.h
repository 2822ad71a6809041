// One process's open file descriptors. Shared by all threads of the process.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "state/fd_info.h"

namespace riposte {

class FdTable {
 public:
  // A process can open far more, but state is bounded: past this, new fds are not tracked
  // (counted in overflowed()).
  static constexpr size_t kMaxFds = 4096;

  const FdInfo* Find(int64_t fd) const;
  // For the state stage's updates in place (a socket becoming connected).
  FdInfo* FindMutable(int64_t fd);
  void Set(int64_t fd, FdInfo info);
  void Close(int64_t fd);
  // dup/dup2/dup3/F_DUPFD: newfd becomes a copy of oldfd (if oldfd is known).
  // newfd becomes a copy of oldfd; `cloexec`: whether the copy is close-on-exec (dup and
  // dup2 never are, whatever the original; dup3 and F_DUPFD_CLOEXEC say).
  void Duplicate(int64_t oldfd, int64_t newfd, bool cloexec = false);
  size_t size() const { return fds_.size(); }
  uint64_t overflowed() const { return overflowed_; }
  const std::unordered_map<int64_t, FdInfo>& entries() const { return fds_; }

 private:
  std::unordered_map<int64_t, FdInfo> fds_;
  uint64_t overflowed_ = 0;
};

}  // namespace riposte
