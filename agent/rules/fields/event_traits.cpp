#include "rules/fields/event_traits.h"

#include <unordered_map>

namespace riposte {
namespace {

using C = EventCategory;
constexpr bool kFd = true;

// Every event type riposte produces but the "other" ones without an fd (init_module).
// procexec and procfork are riposte's own: process events.
constexpr EventTraits kTraits[] = {
    {"read", C::kIoRead, kFd}, {"pread", C::kIoRead, kFd}, {"readv", C::kIoRead, kFd},
    {"recvfrom", C::kIoRead, kFd}, {"recvmsg", C::kIoRead, kFd},
    {"write", C::kIoWrite, kFd}, {"pwrite", C::kIoWrite, kFd}, {"writev", C::kIoWrite, kFd},
    {"sendto", C::kIoWrite, kFd}, {"sendmsg", C::kIoWrite, kFd},
    {"close", C::kIoOther, kFd}, {"dup", C::kIoOther, kFd}, {"dup2", C::kIoOther, kFd},
    {"dup3", C::kIoOther, kFd}, {"io_uring_setup", C::kIoOther, kFd},
    {"pipe", C::kIpc, kFd}, {"pipe2", C::kIpc, kFd}, {"socketpair", C::kIpc, kFd},
    {"socket", C::kNet, kFd}, {"connect", C::kNet, kFd}, {"accept", C::kNet, kFd},
    {"accept4", C::kNet, kFd}, {"bind", C::kNet, kFd}, {"listen", C::kNet, kFd},
    {"clone", C::kProcess}, {"clone3", C::kProcess}, {"fork", C::kProcess}, {"vfork", C::kProcess},
    {"execve", C::kProcess}, {"execveat", C::kProcess}, {"ptrace", C::kProcess}, {"setpgid", C::kProcess},
    {"setsid", C::kProcess}, {"capset", C::kProcess}, {"prctl", C::kProcess}, {"chroot", C::kProcess},
    {"unshare", C::kProcess}, {"setns", C::kProcess, kFd}, {"procexit", C::kProcess},
    {"procexec", C::kProcess}, {"procfork", C::kProcess},
    {"kill", C::kSignal}, {"tkill", C::kSignal}, {"tgkill", C::kSignal},
    {"setuid", C::kUser}, {"setgid", C::kUser}, {"setreuid", C::kUser}, {"setregid", C::kUser},
    {"setresuid", C::kUser}, {"setresgid", C::kUser},
    {"memfd_create", C::kMemory, kFd},
    {"open", C::kFile, kFd}, {"openat", C::kFile, kFd}, {"openat2", C::kFile, kFd}, {"creat", C::kFile, kFd},
    {"chdir", C::kFile}, {"fchdir", C::kFile, kFd}, {"rename", C::kFile}, {"renameat", C::kFile},
    {"renameat2", C::kFile}, {"mkdir", C::kFile}, {"mkdirat", C::kFile, kFd}, {"rmdir", C::kFile},
    {"link", C::kFile}, {"linkat", C::kFile}, {"unlink", C::kFile}, {"unlinkat", C::kFile, kFd},
    {"symlink", C::kFile}, {"symlinkat", C::kFile, kFd}, {"chmod", C::kFile}, {"fchmod", C::kFile, kFd},
    {"fchmodat", C::kFile, kFd}, {"chown", C::kFile}, {"fchown", C::kFile, kFd}, {"lchown", C::kFile},
    {"fchownat", C::kFile, kFd}, {"mount", C::kFile}, {"umount2", C::kFile}, {"userfaultfd", C::kFile, kFd},
    {"finit_module", C::kOther, kFd, /*reads_fd=*/true}, {"bpf", C::kOther, kFd},
};

}  // namespace

EventTraits TraitsOf(std::string_view type) {
  // Indexed once (read-only afterwards): the fields ask per event.
  static const std::unordered_map<std::string_view, EventTraits> by_type = [] {
    std::unordered_map<std::string_view, EventTraits> m;
    for (EventTraits t : kTraits) {
      t.reads_fd = t.reads_fd || t.category == C::kIoRead;
      t.writes_fd = t.category == C::kIoWrite;
      m.emplace(t.type, t);
    }
    return m;
  }();
  auto it = by_type.find(type);
  return it == by_type.end() ? EventTraits{type} : it->second;
}

}  // namespace riposte
