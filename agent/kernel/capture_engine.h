// Owns the loaded capture programs (RAII over the libbpf skeleton): configures them,
// attaches them, fills the kernel's per-syscall spec table, drains the ring buffer and
// reads the kernel's counters. Everything kernel-side that capture needs goes through here.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/file_identity.h"
#include "common/result.h"
#include "kernel/feature_probe.h"
#include "kernel/kill_selector.h"
#include "kernel/record_filter.h"

struct capture_bpf;
struct ring_buffer;

namespace riposte {

struct CaptureOptions {
  std::vector<std::string> syscalls;               // names (see syscall_table.cpp)
  uint32_t ring_buffer_bytes = 16u << 20;          // power of two, >= page size
  bool force_hash_stash = false;                   // use the hash-map stash even if task storage works
  bool force_raw_tracepoint = false;               // raw_tracepoint syscall hooks even if tp_btf works
};

struct KernelCounters {
  uint64_t kernel_kills = 0;
  uint64_t sent = 0;
  uint64_t dropped_ring_full = 0;
  uint64_t stash_failures = 0;
  uint64_t filtered = 0;  // records the kernel record filter kept back
  std::vector<uint64_t> dropped_per_cpu;
  std::vector<uint64_t> sent_per_cpu;
  struct PerSyscall {
    uint64_t sent = 0, filtered = 0;
  };
  std::map<std::string, PerSyscall> per_syscall;  // the enabled syscalls
};

class CaptureEngine {
 public:
  using RecordHandler = std::function<void(std::span<const uint8_t>)>;

  static Result<std::unique_ptr<CaptureEngine>> Start(const CaptureOptions& options,
                                                      const KernelFeatures& features,
                                                      RecordHandler handler);
  ~CaptureEngine();
  CaptureEngine(const CaptureEngine&) = delete;
  CaptureEngine& operator=(const CaptureEngine&) = delete;

  // Replaces the set of syscalls the kernel sends. Unknown names are an error and change
  // nothing.
  Status SetSyscalls(std::span<const std::string> names);
  // Replaces the in-kernel kill selectors (empty: none) and the protected executables
  // they never kill (by file identity; see responders/protected_executables.h). The
  // selectors' syscalls are captured too. Errors (too many, unknown syscall, a name too
  // long) change nothing.
  Status SetKillRules(std::span<const KernelKillRule> rules, std::span<const FileIdentity> protected_binaries);
  // Replaces the kernel record filter (an empty plan: every record of an enabled syscall
  // is sent). The old filter is first lifted, so no record is wrongly kept back while the
  // tables change; an error leaves no filter in force.
  Status SetRecordFilter(const RecordFilterPlan& plan);
  // The name a process older than the agent goes by (proc.name, as read from /proc), for
  // the record filter's process names; an exec the kernel saw since wins.
  void SeedProcessName(uint32_t pid, std::string_view comm);
  // Handles what is in the ring buffer, waiting up to timeout_ms for the first record.
  // Returns the number of records handled.
  Result<int> Poll(int timeout_ms);
  KernelCounters ReadCounters() const;
  std::vector<std::string> enabled_syscalls() const { return enabled_; }
  int ring_buffer_fd() const;

 private:
  CaptureEngine() = default;
  static int OnRecord(void* ctx, void* data, size_t size);

  capture_bpf* skel_ = nullptr;
  ring_buffer* ring_ = nullptr;
  RecordHandler handler_;
  std::vector<std::string> enabled_;
  std::vector<std::string> requested_;       // what SetSyscalls was last given
  std::set<std::string> kill_syscalls_;      // named by the active kill selectors
  struct ActiveFilter {
    std::set<int> open_filtered_nrs;
    bool close_untracked = false;
  };
  std::optional<ActiveFilter> filter_;
  std::vector<rp_path_key> filter_paths_;    // in the kernel's trie, to remove on change
  uint64_t filter_generation_ = 0;           // of the filter last written (the kernel's path verdicts name it)
  std::vector<rp_comm> filter_names_;
};

}  // namespace riposte
