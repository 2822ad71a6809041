// What evidence.process collects from /proc about a process tree, before anything kills
// it: for the alert's process, its ancestors (up to init, not included) and every
// descendant: argv, cwd, the executable's path and SHA-256, the environment, credentials
// and capabilities, namespaces, cgroups, every open fd (sockets with their addresses, read
// from the process's own network namespace) and the memory maps. Bounded: a process tree
// of at most `max_processes`, `max_maps` map lines and `max_fds` fds per process, the
// environment up to 64 KiB, an executable hashed only up to `max_exe_bytes` (64 MiB).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace riposte {

struct ProcessEvidenceLimits {
  size_t max_processes = 256;
  size_t max_fds = 1024;
  size_t max_maps = 4096;
  uint64_t max_exe_bytes = 64ull << 20;  // hashing is on the way to the kill: bounded
};

// One process as /proc shows it now (null when it is gone).
nlohmann::ordered_json DescribeProcess(uint32_t pid, const ProcessEvidenceLimits& limits,
                                       const std::string& proc_root = "/proc");
// The tree around `pid`: {"target": pid, "processes": [...]} (ancestors first, then the
// target, then its descendants), and "truncated" when a bound was met.
nlohmann::ordered_json DescribeProcessTree(uint32_t pid, const ProcessEvidenceLimits& limits,
                                           const std::string& proc_root = "/proc");

}  // namespace riposte
