// The exit parameters of Falco's events that make a pair of fds (pipe, pipe2, socketpair):
// fd1 and fd2, and a pipe's ino (the inode the kernel read off the first fd at exit).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "decode/event.h"

namespace riposte {

// The parameter's number (fd1 and fd2 are fds: callers render them as fds); nothing for
// another name, another event, a failed call or a record without the pair.
std::optional<int64_t> FdPairParamOf(const Event& e, std::string_view name);

}  // namespace riposte
