// The node's own machinery (init, containerd and its shims, runc, kubelet, dockerd...),
// recognised by what it is, never by what it calls itself. A process's name (comm) and
// argv are its own to choose: `cp payload kubelet`, a symlink named containerd-shim-x or
// prctl(PR_SET_NAME) once made any process untouchable. A process is protected here only
// when all of these hold:
//  - its executable is, by device and inode, one of the configured binaries (resolved in
//    the host's mount namespace at start, and again at each check so an upgraded binary
//    is still known; the start-time identity keeps a running, since-replaced one known);
//  - the kernel's path of that executable is the binary's own path (a hard link
//    elsewhere is not it);
//  - it runs in the host's mount and pid namespaces (a container that bind-mounts the
//    binary is not the node's machinery);
//  - it runs as root (real uid 0): an unprivileged user who runs the real binary with
//    LD_PRELOAD is running their own code in it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/file_identity.h"
#include "common/host_view.h"

namespace riposte {

class ProtectedExecutables {
 public:
  // `paths` as configured (absolute); `proc_root` is "/proc" except in tests. The host's
  // file system is read through PROC/1/root when the agent may look at pid 1 (HostView),
  // so a containerised agent with the host's pid namespace sees the host's binaries.
  explicit ProtectedExecutables(std::vector<std::string> paths, std::string proc_root = "/proc");

  // Why process `pid` is one of the protected binaries, or nullopt.
  std::optional<std::string> Match(uint32_t pid) const;
  // The identities of every configured binary found (for the kernel's own check).
  std::vector<FileIdentity> Identities() const;
  // Configured paths that resolved to no file at start (logged by the caller).
  const std::vector<std::string>& missing() const { return missing_; }
  const HostView& host() const { return host_; }

 private:
  struct Binary {
    std::string path;  // resolved (symlinks followed) in the host's mount namespace
    FileIdentity identity;
  };
  std::vector<Binary> Resolve(std::vector<std::string>* missing) const;

  std::vector<std::string> configured_;
  std::string proc_root_;
  HostView host_;
  std::vector<Binary> at_start_;
  std::vector<std::string> missing_;
};

// `path` with every symlink followed, as seen from `root` (a directory standing for "/"):
// absolute link targets are taken relative to `root`, never to the caller's own root.
std::optional<std::string> ResolveUnderRoot(const std::string& root, const std::string& path);

}  // namespace riposte
