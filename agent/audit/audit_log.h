// The audit trail's writer: one JSON line per decision, each carrying the SHA-256 of the
// line before it (a hash chain that survives restarts and rotation). A record is on disk
// (write with O_APPEND, then fdatasync) before Append returns, so anything reported done
// after Append is in the log even if the agent is killed the next instant.
//
// Beside the log, FILE.head holds the sequence number and hash of the newest record: a
// log cut short by whole lines (which a chain alone cannot show) disagrees with it.
// spdlog is for operational logs; this writer is the only thing that touches the trail.
//
// A record is written whole or not at all: a write that fails or comes up short (disk
// full, I/O error) is cut back with ftruncate to the end of the last good record, so the
// file never holds a torn line and seq and the chain stay where they were. Every record
// refused that way is counted and summarised, and the first record written once the
// disk takes writes again is an `audit_gap` record saying what was refused and why: the
// trail shows its own hole. (The caller refuses the action whose plan could not be
// written: "no record of the plan, no action".)
//
// The log and FILE.head are opened through common/safe_file.h: never through a symlink,
// never a file of another user's.
//
// When FILE.seal exists (`riposte audit seal-init`), the trail is sealed (audit_seal.h):
// before the first record of a new epoch, and when the writer closes, a `seal` record
// MACs the chain head under the epoch's key; then the key steps forward and the old one
// is erased. Every record is stamped inside the lock with the same clock reading that
// chose its epoch, so the records a seal covers all belong to its epoch.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "audit/audit_seal.h"
#include "common/result.h"

namespace riposte {

struct AuditLogOptions {
  std::string path;
  std::string host;
  uint64_t max_bytes = 64ull << 20;  // rotate past this size
  int keep = 10;                     // rotated files kept: FILE.1 (newest) .. FILE.keep
  bool sync = true;                  // fdatasync each record (off only for benchmarks)
  // A `heartbeat` record after this long without a record (0: never): a copy shipped off
  // the node then tells "nothing happened" from "the agent stopped or the trail was cut".
  std::chrono::seconds heartbeat{300};
};

class AuditLog {
 public:
  // Opens (or creates) the log and continues its chain. A torn last line (the agent was
  // killed inside a write) is cut off and recorded in a `recovered_tail` record with the
  // removed bytes' hash, so the chain stays verifiable and nothing is hidden.
  static Result<std::unique_ptr<AuditLog>> Open(const AuditLogOptions& options);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Writes `body` (an object) behind seq, time, host and prev_hash; returns its sequence
  // number once it is on disk. `sync` false leaves it (and what came before) for the next
  // synced record: for records written just before an action whose result record follows.
  // Thread-safe.
  Result<uint64_t> Append(const nlohmann::ordered_json& body, bool sync = true);

  // Called periodically (each second): seals the epoch that has ended, if one has (an
  // idle writer still seals each epoch: a gap in the seals then means the writer was not
  // running), and writes a heartbeat when the trail has been idle for `heartbeat`.
  Status Tick();
  bool sealed() const { return seal_ != nullptr; }

  uint64_t last_seq() const;
  // Appends that failed (disk full, file gone...) since the log was opened.
  uint64_t write_errors() const;

 private:
  explicit AuditLog(AuditLogOptions options) : options_(std::move(options)) {}
  Status OpenCurrent();
  Status Rotate();
  Result<uint64_t> AppendLocked(const nlohmann::ordered_json& body, bool sync, int64_t now_ns);
  // Why a seal is written (its record's `reason`).
  enum class SealReason { kEpochEnd, kClose, kStart };
  // Writes the seal of the key's epoch when `now_ns` is past it (or, closing, when records
  // wait for one), then steps the key to now's epoch.
  Status SealLocked(int64_t now_ns, SealReason reason);
  Status WriteLine(const std::string& line, bool sync);
  void WriteHead();
  // Counts a record that could not be written, for the gap record.
  void NoteRefused(const nlohmann::ordered_json& body, const std::string& error);
  // Writes the gap record when records were refused; false when that failed too.
  Status WriteGapRecord();

  AuditLogOptions options_;
  mutable std::mutex mu_;
  int fd_ = -1;
  int head_fd_ = -1;
  uint64_t size_ = 0;
  uint64_t seq_ = 0;
  uint64_t write_errors_ = 0;
  std::string prev_hash_;
  std::unique_ptr<SealState> seal_;  // null: the trail is not sealed
  uint64_t sealed_seq_ = 0;          // the last record a seal covers (a seal's own seq)
  std::chrono::steady_clock::time_point last_write_ = std::chrono::steady_clock::now();
  // Records refused since the last successful write (see above).
  struct Gap {
    uint64_t refused = 0;
    std::string first_time, last_time, error;
    nlohmann::ordered_json records = nlohmann::ordered_json::array();  // the first kMaxGapListed
  } gap_;
  static constexpr size_t kMaxGapListed = 100;
};

// The last complete line of a log file and what follows it, for continuing a chain.
struct AuditTail {
  std::string last_line;   // empty when the file holds no complete line
  uint64_t complete_bytes = 0;  // bytes up to and including the last '\n'
  std::string torn;        // bytes after the last '\n' (a record cut by a crash)
};
Result<AuditTail> ReadAuditTail(const std::string& path);

}  // namespace riposte
