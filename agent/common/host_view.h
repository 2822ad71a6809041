// The host's file system and mount namespace as the agent can see them: pid 1's when the
// agent may inspect it (a containerised agent with the host's pid namespace and
// CAP_SYS_PTRACE), otherwise the agent's own — the host's when riposte is installed on
// the host and pid 1 is a supervisor it may not inspect. Userspace protection and the
// kernel's kill check take the same view.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace riposte {

struct HostView {
  std::string root;    // prefix standing for the host's "/": "" or PROC/1/root
  uint64_t mntns = 0;  // the host's mount namespace inode
  uint64_t pidns = 0;  // the host's pid namespace inode
  std::string source;  // which view this is, for the start-up log
  static HostView Probe(const std::string& proc_root = "/proc");
};

// The inode of a namespace file (PROC/PID/ns/mnt), or nullopt when it cannot be read.
std::optional<uint64_t> NamespaceInode(const std::string& path);

}  // namespace riposte
