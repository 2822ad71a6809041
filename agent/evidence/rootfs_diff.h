// A container's root filesystem diff: what its writable layer holds, which is exactly
// what the container added, changed or deleted since its image. Found from the container
// process's own root mount (/proc/PID/mountinfo: an overlay whose upperdir is the layer,
// as containerd, dockerd and podman set it up), listed with each file's type, mode, size,
// time and SHA-256; a deleted file shows as a whiteout. Bounded in entries and in bytes
// hashed per file; nothing is followed through a symbolic link.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace riposte {

struct RootfsDiffLimits {
  size_t max_entries = 10000;
  uint64_t max_hash_bytes = 64ull << 20;  // larger files are listed, not hashed
};

// The writable layer of the root mount of `pid` ({"upperdir", "entries": [...]}), or why
// there is none (not an overlay root, process gone).
Result<nlohmann::ordered_json> DescribeWritableLayer(uint32_t pid, const RootfsDiffLimits& limits,
                                                     const std::string& proc_root = "/proc");
// The upperdir= of the overlay mounted at "/" in a mountinfo text; "" when there is none.
std::string UpperDirOfRoot(const std::string& mountinfo);

}  // namespace riposte
