// Forward-secure sealing of the audit trail. The hash chain alone shows damage and naive
// edits, but root on the node can rewrite the whole log and its head consistently. So
// time is cut into epochs (default 15 min) and each epoch has its own sealing key: the
// writer MACs the chain head with it at the epoch's end (and when it closes), then
// replaces the key with a one-way function of it and overwrites the old one on disk.
// Whoever takes the node later holds only the current epoch's key: they cannot forge a
// seal of any earlier epoch, so any rewrite of sealed records is caught by verifying with
// the first key, which `riposte audit seal-init` prints once for the operator to keep off
// the node. Keys: k(0) random; k(e+1) = HKDF-SHA-256(k(e), "next epoch"); the MAC key of
// epoch e is HKDF-SHA-256(k(e), "mac"). The scheme and its limits: docs/audit.md.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/unique_fd.h"

namespace riposte {

// A 256-bit key, wiped from memory when it goes.
class SealKey {
 public:
  SealKey() = default;
  explicit SealKey(const std::array<unsigned char, 32>& bytes) : bytes_(bytes) {}
  SealKey(const SealKey& other) = default;
  SealKey& operator=(const SealKey& other) = default;
  ~SealKey();
  static Result<SealKey> Random();
  static Result<SealKey> FromHex(std::string_view hex);
  std::string Hex() const;
  const std::array<unsigned char, 32>& bytes() const { return bytes_; }

 private:
  std::array<unsigned char, 32> bytes_{};
};

// When epochs begin: epoch e covers [start + e*length, start + (e+1)*length).
struct SealSchedule {
  int64_t start_ns = 0;
  int64_t epoch_ns = 0;
  // The epoch holding `wall_ns`; -1 before the first one.
  int64_t EpochOf(int64_t wall_ns) const;
  int64_t EpochStart(uint64_t epoch) const { return start_ns + static_cast<int64_t>(epoch) * epoch_ns; }
  int64_t EpochEnd(uint64_t epoch) const { return EpochStart(epoch + 1); }
};

// The next epoch's key: a one-way step.
SealKey NextSealKey(const SealKey& key);
// The seal of the chain head `prev_hash` by the seal record numbered `seal_seq`, under
// epoch `epoch`'s key (hex HMAC-SHA-256).
std::string SealMac(const SealKey& key, uint64_t epoch, uint64_t seal_seq, std::string_view prev_hash);

// What the operator keeps off the node: the first key and the schedule. One line of
// text: "riposte-seal-v1 START_NS EPOCH_SECONDS KEY_HEX".
struct SealVerificationKey {
  SealSchedule schedule;
  SealKey first;
  std::string Text() const;
  static Result<SealVerificationKey> Parse(std::string_view text);
  // Epoch e's key, derived from the first by e steps.
  SealKey KeyOf(uint64_t epoch) const;
};

// The node's sealing state, FILE.seal beside the log: the schedule, the current epoch
// and its key, on one fixed-size line that every step overwrites in place (fdatasync'd),
// so the previous key's bytes are gone from the file, not left in a freed block.
class SealState {
 public:
  // Creates the state for the log at `log_path` (refused when it exists) and returns the
  // verification key, the only copy of the first key that will remain.
  static Result<SealVerificationKey> Init(const std::string& log_path, int64_t epoch_seconds, int64_t now_ns);
  // The state of the log at `log_path`; null when the log is not sealed (no FILE.seal).
  static Result<std::unique_ptr<SealState>> Open(const std::string& log_path);
  ~SealState() = default;
  SealState(const SealState&) = delete;
  SealState& operator=(const SealState&) = delete;

  const SealSchedule& schedule() const { return schedule_; }
  uint64_t epoch() const { return epoch_; }
  std::string Mac(uint64_t seal_seq, std::string_view prev_hash) const { return SealMac(key_, epoch_, seal_seq, prev_hash); }
  // Steps the key forward to `epoch` (no-op when it is not ahead), erasing every key
  // before it, on disk and here.
  Status Advance(uint64_t epoch);

  static std::string PathFor(const std::string& log_path) { return log_path + ".seal"; }

 private:
  SealState(UniqueFd fd, std::string path, SealSchedule schedule, uint64_t epoch, SealKey key)
      : fd_(std::move(fd)), path_(std::move(path)), schedule_(schedule), epoch_(epoch), key_(std::move(key)) {}
  static std::string Line(const SealSchedule& schedule, uint64_t epoch, const SealKey& key);

  UniqueFd fd_;
  std::string path_;
  SealSchedule schedule_;
  uint64_t epoch_;
  SealKey key_;
};

}  // namespace riposte
