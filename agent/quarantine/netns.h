// Network namespaces by identity: a namespace is its inode number (what
// /proc/PID/ns/net links to), which outlives any one process in it. Entering one runs
// work on a thread of its own, so the agent's other threads stay where they are.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"

namespace riposte {

// The inode of PID's network namespace.
Result<uint64_t> NetnsInode(pid_t pid);
// The agent's own network namespace (a quarantine there would cut the node off).
Result<uint64_t> OwnNetnsInode();

// Opens the namespace with this inode: through `hint_pids` first (checked to still be
// in it), then the names `ip netns` and CNI pin under /run/netns, then every process.
// NotFound when no such namespace exists any more.
Result<UniqueFd> OpenNetns(uint64_t inode, const std::vector<pid_t>& hint_pids);

// Runs `work` on a new thread that has joined the namespace `netns_fd`; its result.
Status RunInNetns(int netns_fd, const std::function<Status()>& work);

}  // namespace riposte
