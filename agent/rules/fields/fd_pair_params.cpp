#include "rules/fields/fd_pair_params.h"

#include <sys/syscall.h>

#include <cstring>

#include "kernel/syscall_table.h"

namespace riposte {

std::optional<int64_t> FdPairParamOf(const Event& e, std::string_view name) {
  if (e.kind != EventKind::kSyscall || !e.syscall) return std::nullopt;
  const int nr = e.syscall->nr;
  if (nr != SYS_pipe && nr != SYS_pipe2 && nr != SYS_socketpair) return std::nullopt;
  if (e.ret < 0 || e.params[0].size() < 8) return std::nullopt;
  int32_t fds[2];
  std::memcpy(fds, e.params[0].data(), sizeof(fds));
  if (name == "fd1") return fds[0];
  if (name == "fd2") return fds[1];
  // socketpair's other parameters are kernel socket addresses, which riposte does not read.
  if (name == "ino" && nr != SYS_socketpair && (e.flags & RP_SYSCALL_HAS_FILE))
    return static_cast<int64_t>(e.file.ino);
  return std::nullopt;
}

}  // namespace riposte
