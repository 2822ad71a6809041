#include "audit/audit_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "audit/audit_records.h"
#include "audit/sha256.h"
#include "common/safe_file.h"
#include "common/wall_time.h"

namespace riposte {
namespace {

constexpr size_t kHeadBytes = 160;  // fixed size: rewritten in place with one pwrite

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

Result<AuditTail> ReadAuditTail(const std::string& path) {
  AuditTail tail;
  int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return tail;
    if (errno == ELOOP) return Error{path + " is a symbolic link: refused"};
    return Error{Errno(path)};
  }
  struct stat st {};
  fstat(fd, &st);
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  // Read backwards until the text holds the last two newlines (or the whole file).
  std::string text;
  uint64_t start = size;
  auto newlines = [&] {
    size_t a = text.rfind('\n');
    if (a == std::string::npos || a == 0) return false;
    return text.rfind('\n', a - 1) != std::string::npos;
  };
  while (start > 0 && !newlines()) {
    uint64_t chunk = std::min<uint64_t>(start, 64 * 1024);
    start -= chunk;
    std::string piece(chunk, '\0');
    if (pread(fd, piece.data(), chunk, static_cast<off_t>(start)) != static_cast<ssize_t>(chunk)) {
      close(fd);
      return Error{Errno(path + ": read")};
    }
    text.insert(0, piece);
  }
  close(fd);
  size_t last_nl = text.rfind('\n');
  if (last_nl == std::string::npos) {  // no complete line at all
    tail.torn = text;
    return tail;
  }
  tail.complete_bytes = start + last_nl + 1;
  tail.torn = text.substr(last_nl + 1);
  size_t prev_nl = last_nl == 0 ? std::string::npos : text.rfind('\n', last_nl - 1);
  size_t line_start = prev_nl == std::string::npos ? 0 : prev_nl + 1;
  tail.last_line = text.substr(line_start, last_nl - line_start);
  return tail;
}

Result<std::unique_ptr<AuditLog>> AuditLog::Open(const AuditLogOptions& options) {
  if (options.path.empty()) return Error{"audit log: no path given"};
  std::unique_ptr<AuditLog> log(new AuditLog(options));
  // One writer per trail: a second process appending would fork the hash chain. The lock
  // sits on FILE.head, which rotation never renames, and lasts as long as this writer.
  auto head = OpenFileForWriting(options.path + ".head", WriteMode::kUpdate);
  if (!head) return head.error();
  log->head_fd_ = head->release();
  if (flock(log->head_fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      return Error{options.path + " is being written by another riposte process; give this one its own audit log"};
    return Error{Errno(options.path + ".head: lock")};
  }

  // Continue the chain from the newest complete record: this file's, or the rotated one's.
  auto tail = ReadAuditTail(options.path);
  if (!tail) return tail.error();
  std::string last_line = tail->last_line;
  if (last_line.empty() && tail->torn.empty()) {
    auto rotated = ReadAuditTail(options.path + ".1");
    if (rotated) last_line = rotated->last_line;
  }
  if (auto st = log->OpenCurrent(); !st) return st.error();
  if (!tail->torn.empty()) {
    // Cut the torn record off; it was never reported done (Append had not returned).
    if (ftruncate(log->fd_, static_cast<off_t>(tail->complete_bytes)) != 0)
      return Error{Errno(options.path + ": cannot cut the torn last record")};
    log->size_ = tail->complete_bytes;
  }
  log->prev_hash_ = std::string(kChainOrigin);
  if (!last_line.empty()) {
    auto last = nlohmann::json::parse(last_line, nullptr, false);
    if (last.is_discarded() || !last.is_object() || !last.contains("seq") || !last["seq"].is_number_unsigned())
      return Error{options.path + ": the last record is not an audit record; run `riposte audit verify " +
                   options.path + "` and move the file aside"};
    log->seq_ = last["seq"].get<uint64_t>();
    log->prev_hash_ = Sha256Hex(last_line);
  }
  if (!tail->torn.empty()) {
    const RecoveredTailRecord record{tail->torn.size(), Sha256Hex(tail->torn),
                                     "the previous run stopped inside a write; the partial record was never "
                                     "reported done"};
    if (auto r = log->AppendLocked(ToJson(record), true, WallNowNs()); !r) return r.error();
  }
  auto seal = SealState::Open(options.path);
  if (!seal) return seal.error();
  log->seal_ = std::move(*seal);
  if (log->seal_) {
    if (!last_line.empty() && KindOf(nlohmann::json::parse(last_line, nullptr, false)) == AuditKind::kSeal &&
        tail->torn.empty())
      log->sealed_seq_ = log->seq_;
    // Records an earlier run left unsealed (it died) are sealed now, with their epoch's key,
    // which is still the one on disk.
    if (auto st = log->SealLocked(WallNowNs(), SealReason::kStart); !st) return st.error();
  }
  return log;
}

AuditLog::~AuditLog() {
  if (seal_) {
    std::lock_guard lock(mu_);
    (void)SealLocked(WallNowNs(), SealReason::kClose);
  }
  if (fd_ >= 0) close(fd_);
  if (head_fd_ >= 0) close(head_fd_);
}

Status AuditLog::OpenCurrent() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  auto fd = OpenFileForWriting(options_.path, WriteMode::kAppend);
  if (!fd) return fd.error();
  fd_ = fd->release();
  struct stat st {};
  fstat(fd_, &st);
  size_ = static_cast<uint64_t>(st.st_size);
  return Status::Ok();
}

Status AuditLog::Rotate() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string& p = options_.path;
  fs::remove(p + "." + std::to_string(options_.keep), ec);
  for (int i = options_.keep - 1; i >= 1; --i)
    if (fs::exists(p + "." + std::to_string(i)))
      fs::rename(p + "." + std::to_string(i), p + "." + std::to_string(i + 1), ec);
  fs::rename(p, p + ".1", ec);
  if (ec) return Error{p + ": cannot rotate: " + ec.message()};
  if (auto st = OpenCurrent(); !st) return st;
  // The new file starts with a link to the old one: verify follows the chain across.
  auto r = AppendLocked(ToJson(RotateRecord{fs::path(p).filename().string() + ".1"}), true, WallNowNs());
  return r ? Status::Ok() : Status(r.error());
}

Status AuditLog::WriteLine(const std::string& line, bool sync) {
  if (fd_ < 0) return Error{options_.path + ": not open"};
  // Whole or nothing: on any failure the file is cut back to the last good record.
  auto roll_back = [&](const std::string& what) {
    const std::string message = Errno(options_.path + ": " + what);
    if (ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
      // Cannot even cut back (I/O error): the next open will find and cut the torn bytes
      // (recovered_tail); this writer stops appending to a file it cannot trust.
      close(fd_);
      fd_ = -1;
    }
    return Error{message};
  };
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = write(fd_, line.data() + done, line.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return roll_back("write");
    }
    if (n == 0) {
      errno = ENOSPC;
      return roll_back("write");
    }
    done += static_cast<size_t>(n);
  }
  if (sync && options_.sync && fdatasync(fd_) != 0) return roll_back("fdatasync");
  size_ += line.size();
  return Status::Ok();
}

void AuditLog::WriteHead() {
  // Not synced: after a power loss the head may lag the log (verify says so), but a kill
  // leaves it in the page cache, and it is never ahead of what is on disk.
  std::string head = nlohmann::ordered_json{{"seq", seq_}, {"hash", prev_hash_}}.dump();
  head.resize(kHeadBytes - 1, ' ');
  head += '\n';
  (void)!pwrite(head_fd_, head.data(), head.size(), 0);
}

void AuditLog::NoteRefused(const nlohmann::ordered_json& body, const std::string& error) {
  const std::string now = FormatRfc3339(WallNowNs());
  if (gap_.refused++ == 0) gap_.first_time = now;
  gap_.last_time = now;
  gap_.error = error;
  if (gap_.records.size() < kMaxGapListed) {
    nlohmann::ordered_json summary;
    for (const char* key : {"kind", "alert_id", "rule", "policy", "step", "action", "mode", "outcome"})
      if (auto it = body.find(key); it != body.end()) summary[key] = *it;
    gap_.records.push_back(std::move(summary));
  }
}

Status AuditLog::WriteGapRecord() {
  if (gap_.refused == 0) return Status::Ok();
  const auto body = ToJson(AuditGapRecord{gap_.refused, gap_.first_time, gap_.last_time, gap_.error, gap_.records});
  Gap pending = std::move(gap_);
  gap_ = Gap{};
  if (auto r = AppendLocked(body, true, WallNowNs()); !r) {
    gap_ = std::move(pending);
    return r.error();
  }
  return Status::Ok();
}

Result<uint64_t> AuditLog::AppendLocked(const nlohmann::ordered_json& body, bool sync, int64_t now_ns) {
  if (fd_ < 0)
    if (auto st = OpenCurrent(); !st) return st.error();
  nlohmann::ordered_json record{{"seq", seq_ + 1},
                                {"time", FormatRfc3339(now_ns)},
                                {"host", options_.host},
                                {"prev_hash", prev_hash_}};
  for (const auto& [k, v] : body.items()) record[k] = v;
  std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (auto st = WriteLine(line + "\n", sync); !st) return st.error();
  ++seq_;
  prev_hash_ = Sha256Hex(line);
  last_write_ = std::chrono::steady_clock::now();
  WriteHead();
  return seq_;
}

Result<uint64_t> AuditLog::Append(const nlohmann::ordered_json& body, bool sync) {
  std::lock_guard lock(mu_);
  auto refuse = [&](const Error& e) -> Result<uint64_t> {
    ++write_errors_;
    NoteRefused(body, e.message);
    return e;
  };
  // One clock reading for the seal decision and the record's time: a record is never
  // stamped in an epoch whose key is gone, nor sealed under an epoch it is not in.
  const int64_t now = WallNowNs();
  if (Status st = SealLocked(now, SealReason::kEpochEnd); !st) return refuse(st.error());
  if (size_ >= options_.max_bytes) {
    if (auto st = Rotate(); !st) return refuse(st.error());
  }
  if (Status st = WriteGapRecord(); !st) return refuse(st.error());
  auto r = AppendLocked(body, sync, now);
  if (!r) return refuse(r.error());
  return r;
}

Status AuditLog::Tick() {
  std::lock_guard lock(mu_);
  const int64_t now = WallNowNs();
  if (auto st = SealLocked(now, SealReason::kEpochEnd); !st) return st;
  if (options_.heartbeat.count() > 0 && std::chrono::steady_clock::now() - last_write_ >= options_.heartbeat) {
    auto r = AppendLocked(ToJson(HeartbeatRecord{static_cast<uint64_t>(options_.heartbeat.count())}), true, now);
    if (!r) return r.error();
  }
  return Status::Ok();
}

Status AuditLog::SealLocked(int64_t now_ns, SealReason reason) {
  if (!seal_) return Status::Ok();
  const int64_t now_epoch = seal_->schedule().EpochOf(now_ns);
  const bool closing = reason == SealReason::kClose;
  const bool ended = now_epoch > static_cast<int64_t>(seal_->epoch());
  if (!closing && !ended) return Status::Ok();
  // A seal is written when something since the last one needs it, and at every epoch's
  // end while the writer runs (an idle epoch's seal says "nothing happened", not "cut").
  const bool needed = seq_ > sealed_seq_ || (ended && !closing);
  if (needed) {
    const uint64_t epoch = seal_->epoch();
    SealRecord record{epoch,
                      FormatRfc3339(seal_->schedule().EpochStart(epoch)),
                      FormatRfc3339(seal_->schedule().EpochEnd(epoch)),
                      reason == SealReason::kClose   ? "close"
                      : reason == SealReason::kStart ? "start"
                                                     : "epoch_end",
                      seq_,
                      seal_->Mac(seq_ + 1, prev_hash_)};
    // Stamped with the sealing time; a seal is not itself under an epoch's check.
    auto r = AppendLocked(ToJson(record), true, now_ns);
    if (!r) return r.error();  // the key is kept: those records can still be sealed
    sealed_seq_ = seq_;
  }
  if (ended) return seal_->Advance(static_cast<uint64_t>(now_epoch));
  return Status::Ok();
}

uint64_t AuditLog::last_seq() const {
  std::lock_guard lock(mu_);
  return seq_;
}

uint64_t AuditLog::write_errors() const {
  std::lock_guard lock(mu_);
  return write_errors_;
}

}  // namespace riposte
