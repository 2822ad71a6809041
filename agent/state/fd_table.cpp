#include "state/fd_table.h"

#include <fcntl.h>

namespace riposte {

std::string_view FdTypeName(FdType type) {
  switch (type) {
    case FdType::kFile: return "file";
    case FdType::kDirectory: return "directory";
    case FdType::kIpv4: return "ipv4";
    case FdType::kIpv6: return "ipv6";
    case FdType::kUnix: return "unix";
    case FdType::kPipe: return "pipe";
    case FdType::kEvent: return "event";
    case FdType::kSignalfd: return "signalfd";
    case FdType::kEventpoll: return "eventpoll";
    case FdType::kInotify: return "inotify";
    case FdType::kTimerfd: return "timerfd";
    case FdType::kNetlink: return "netlink";
    case FdType::kBpf: return "bpf";
    case FdType::kUserfaultfd: return "userfaultfd";
    case FdType::kIoUring: return "io_uring";
    case FdType::kMemfd: return "memfd";
    case FdType::kUnknown: case FdType::kUninitialized: break;
  }
  return "<NA>";  // Falco's type name for an fd of no type it knows
}

std::string_view FdTypeChar(FdType t) {
  switch (t) {
    case FdType::kFile: return "f";
    case FdType::kDirectory: return "d";
    case FdType::kIpv4: return "4";
    case FdType::kIpv6: return "6";
    case FdType::kUnix: return "u";
    case FdType::kPipe: return "p";
    case FdType::kEvent: return "e";
    case FdType::kSignalfd: return "s";
    case FdType::kEventpoll: return "l";
    case FdType::kInotify: return "i";
    case FdType::kTimerfd: return "t";
    case FdType::kNetlink: return "n";
    case FdType::kBpf: return "b";
    case FdType::kUserfaultfd: return "u";
    case FdType::kIoUring: return "r";
    case FdType::kMemfd: return "m";
    case FdType::kUninitialized: return "?";
    case FdType::kUnknown: break;
  }
  return "o";
}

const FdInfo* FdTable::Find(int64_t fd) const {
  auto it = fds_.find(fd);
  return it == fds_.end() ? nullptr : &it->second;
}

FdInfo* FdTable::FindMutable(int64_t fd) {
  auto it = fds_.find(fd);
  return it == fds_.end() ? nullptr : &it->second;
}

void FdTable::Set(int64_t fd, FdInfo info) {
  if (fd < 0) return;
  auto it = fds_.find(fd);
  if (it != fds_.end()) {
    it->second = std::move(info);
    return;
  }
  if (fds_.size() >= kMaxFds) {
    ++overflowed_;
    return;
  }
  fds_.emplace(fd, std::move(info));
}

void FdTable::Close(int64_t fd) { fds_.erase(fd); }

void FdTable::Duplicate(int64_t oldfd, int64_t newfd, bool cloexec) {
  if (oldfd == newfd || newfd < 0) return;
  const FdInfo* src = Find(oldfd);
  // An unknown oldfd changes nothing, as in Falco's parser: newfd keeps what the table said
  // of it (the kernel closed it, but rules were written against Falco's tables; a process
  // whose terminal came from an ioctl, as openpty's does, keeps its inherited streams).
  if (!src) return;
  FdInfo copy = *src;
  copy.open_flags = cloexec ? (copy.open_flags | O_CLOEXEC) : (copy.open_flags & ~static_cast<uint32_t>(O_CLOEXEC));
  Set(newfd, std::move(copy));
}

}  // namespace riposte
