#include "audit/audit_follower.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "common/safe_file.h"

namespace riposte {

AuditFollower::AuditFollower(std::string path, int keep, uint64_t after_seq)
    : path_(std::move(path)), keep_(keep), after_(after_seq) {}

Status AuditFollower::Start() {
  // The rotated files that hold records after the cursor, oldest first (a file whose last
  // record is not after it is not read again).
  older_.clear();
  for (int i = keep_; i >= 1; --i) {
    const std::string name = path_ + "." + std::to_string(i);
    auto tail = ReadAuditTail(name);
    if (!tail || tail->last_line.empty()) continue;
    auto last = nlohmann::json::parse(tail->last_line, nullptr, false);
    if (last.is_object() && last.contains("seq") && last["seq"].is_number_unsigned() && last["seq"].get<uint64_t>() <= after_)
      continue;
    auto fd = OpenFileForReading(name);
    if (fd) older_.push_back(std::move(*fd));
  }
  started_ = true;
  return Status::Ok();
}

bool AuditFollower::ReadMore() {
  if (!fd_.valid()) return false;
  char buf[1 << 16];
  const ssize_t n = pread(fd_.get(), buf, sizeof buf, offset_);
  if (n <= 0) return false;
  offset_ += n;
  partial_.append(buf, static_cast<size_t>(n));
  return true;
}

Result<std::vector<AuditLine>> AuditFollower::Next(size_t max) {
  if (!started_)
    if (auto st = Start(); !st) return st.error();
  std::vector<AuditLine> out;
  while (out.size() < max) {
    // Whole lines already read first.
    size_t nl = partial_.find('\n');
    if (nl != std::string::npos) {
      std::string line = partial_.substr(0, nl);
      partial_.erase(0, nl + 1);
      auto rec = nlohmann::json::parse(line, nullptr, false);
      if (rec.is_discarded() || !rec.is_object() || !rec.contains("seq") || !rec["seq"].is_number_unsigned()) {
        ++unreadable_;
        continue;
      }
      const uint64_t seq = rec["seq"].get<uint64_t>();
      if (seq <= after_) continue;
      after_ = seq;
      out.push_back({seq, std::move(line), std::move(rec)});
      continue;
    }
    if (ReadMore()) continue;
    // At the end of this file: the next older one, or FILE itself (again, if it was
    // rotated under us: the renamed file has been read to its end by now).
    if (!older_.empty()) {
      fd_ = std::move(older_.front());
      older_.pop_front();
      offset_ = 0;
      partial_.clear();
      continue;
    }
    struct stat st {};
    if (lstat(path_.c_str(), &st) != 0) break;  // not there (yet): nothing more now
    if (fd_.valid() && st.st_ino == inode_) break;      // the same file: at its end
    // Renamed away: what the writer appended just before the rename is read first; then
    // every rotated file with records after the cursor (more than one rotation may have
    // happened since the last look), then the new FILE.
    if (fd_.valid() && inode_ != 0) {
      if (ReadMore()) continue;
      fd_.reset();
      inode_ = 0;
      partial_.clear();
      if (auto st = Start(); !st) return st.error();
      if (!older_.empty()) continue;
    }
    auto fd = OpenFileForReading(path_);
    if (!fd) break;
    struct stat opened {};
    fstat(fd->get(), &opened);
    if (fd_.valid() && opened.st_ino == inode_) break;
    fd_ = std::move(*fd);
    inode_ = opened.st_ino;
    offset_ = 0;
    partial_.clear();
  }
  return out;
}

}  // namespace riposte
