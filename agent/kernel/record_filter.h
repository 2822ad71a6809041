// The kernel record filter: which records of the open family the kernel sends, and
// whether it keeps back the closes of the fds it did not tell userspace about. The rules
// stage derives a plan from the loaded rules (rules/kernel_filter_derivation.h); the
// capture engine writes it into the kernel's tables; RecordFilterModel decides the same
// way in userspace, so a recorded capture can be replayed as the kernel would have
// filtered it (the equivalence test, and `riposte replay --kernel-filter`).
//
// The plan only ever says what may be *left out*; what it does not name is sent whole.
// The kernel adds its own structural reasons to send (riposte_abi.h): paths it cannot
// judge, fds state may need later, records that are not whole.
#pragma once

#include <bitset>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "riposte_abi.h"

namespace riposte {

using OpenClassSet = std::bitset<RP_OPEN_CLASSES>;

// The open's class (RP_OPEN_CLASS_* bits) from its flags, mode and result.
uint32_t OpenClassOf(uint64_t flags, uint64_t mode, int64_t ret);
// Whether a path, as the process passed it, is one normalising leaves unchanged (and so
// the path rules see): absolute, no "//", "..", "/./", no trailing "/" or "/.".
bool IsCleanPath(std::string_view path);

// Opens of these classes, on these paths, by processes of these names.
struct OpenPathClause {
  OpenClassSet classes;
  // Prefixes of clean paths; an entry ending in '\0' is an exact path. nullopt: any path.
  // Empty: no clean path (the clause matches only paths the kernel cannot judge).
  std::optional<std::set<std::string>> paths;
  // proc.name values (the comm at the process' last exec). nullopt: any process.
  std::optional<std::set<std::string>> names;
};

// One open family syscall's filter: its record is sent when its class is in `any_path`
// (any path, any process), or when a clause holds its class, path and process.
struct OpenSyscallFilter {
  OpenClassSet any_path;
  std::vector<OpenPathClause> clauses;
};

struct RecordFilterPlan {
  std::map<std::string, OpenSyscallFilter, std::less<>> open;  // syscall name; absent: sent whole
  bool close_untracked = false;  // a close of a kept-back fd is not sent
  bool empty() const { return open.empty() && !close_untracked; }
};

// The plan as the kernel's tables hold it.
struct EncodedRecordFilter {
  std::vector<rp_open_class> classes;  // RP_OPEN_SLOTS * RP_OPEN_CLASSES
  std::vector<std::pair<rp_path_key, uint64_t>> paths;
  std::vector<std::pair<rp_comm, uint64_t>> names;
  rp_filter_masks masks{};
  std::set<int> open_filtered_nrs;     // syscalls whose spec gets RP_SPEC_OPEN_FILTER
};
// Fails when the plan needs more than RP_MAX_FILTER_CLAUSES distinct (paths, names)
// clauses, or more paths or names than the kernel's tables hold.
Result<EncodedRecordFilter> EncodeRecordFilter(const RecordFilterPlan& plan);

// The slot of an open family syscall in the kernel's class table, or -1.
int OpenSlotOf(int nr);
// Syscalls whose records tell userspace of fds (see RP_SPEC_MAKES_FD).
bool SyscallMakesFd(int nr);

// The kernel's decision, in userspace, over records as the kernel would have sent them
// unfiltered (a capture file). Keeps the kept-back fds per process.
class RecordFilterModel {
 public:
  static Result<RecordFilterModel> Create(const RecordFilterPlan& plan);
  // Whether the kernel would send this record (any kind). Updates the kept-back sets.
  bool Sends(std::span<const uint8_t> record);
  uint64_t kept_back() const { return kept_back_; }
  // A process older than the capture, by the name userspace knows it (the snapshot's).
  void SeedName(uint32_t pid, const std::string& comm) { exec_comms_.emplace(pid, comm); }

 private:
  bool OpenNeeded(const rp_syscall_record& rec) const;
  uint64_t PathClauses(std::string_view path) const;

  EncodedRecordFilter encoded_;
  bool close_untracked_ = false;
  std::unordered_map<uint32_t, std::set<int64_t>> kept_back_fds_;  // by pid
  std::unordered_map<uint32_t, std::string> exec_comms_;           // by pid, as the kernel keeps them
  uint64_t kept_back_ = 0;
};

}  // namespace riposte
