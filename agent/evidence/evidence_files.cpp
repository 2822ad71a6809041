#include "evidence/evidence_files.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/safe_file.h"

namespace riposte {
namespace {

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  if (!WriteFully(fd, bytes)) return Error{path + ": write: " + std::strerror(errno)};
  return Status::Ok();
}

// Created exclusively, its missing directories 0700.
Result<UniqueFd> CreateNew(const std::string& path) {
  return OpenFileForWriting(path, WriteMode::kCreateNew, 0600, /*create_dirs=*/true);
}

Result<FileDigest> SyncAndDigest(int fd, const std::string& path) {
  if (fsync(fd) != 0) return Error{path + ": fsync: " + std::strerror(errno)};
  // Hashed as read back from disk (the file was opened write-only).
  return DigestPath(path);
}

Result<FileDigest> CopyInto(int source_fd, int out_fd, const std::string& path, uint64_t max_bytes) {
  char buf[1 << 16];
  uint64_t copied = 0;
  for (off_t at = 0;;) {
    const ssize_t n = pread(source_fd, buf, sizeof(buf), at);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error{path + ": reading the original: " + std::strerror(errno)};
    }
    if (n == 0) break;
    copied += static_cast<uint64_t>(n);
    if (copied > max_bytes)
      return Error{path + ": the original is larger than max_bytes (" + std::to_string(max_bytes) + ")"};
    if (auto st = WriteAll(out_fd, {buf, static_cast<size_t>(n)}, path); !st) return st.error();
    at += n;
  }
  return SyncAndDigest(out_fd, path);
}


}  // namespace

std::string EvidenceName(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 120)) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '-';
    out += keep ? c : '_';
  }
  if (out.empty() || out[0] == '.') out.insert(out.begin(), '_');
  return out;
}

std::string EvidenceDirOf(const std::string& base, std::string_view alert_id) {
  return base + "/" + EvidenceName(alert_id);
}

std::string EvidencePath(const std::string& base, std::string_view alert_id, std::string_view name,
                         std::string_view extension) {
  return EvidenceDirOf(base, alert_id) + "/" + EvidenceName(name) + std::string(extension);
}

Result<FileDigest> WriteEvidenceFile(const std::string& path, std::string_view content) {
  auto fd = CreateNew(path);
  if (!fd) return fd.error();
  auto digest = [&]() -> Result<FileDigest> {
    if (auto st = WriteAll(fd->get(), content, path); !st) return st.error();
    return SyncAndDigest(fd->get(), path);
  }();
  if (!digest) (void)unlink(path.c_str());  // no partial evidence left behind
  return digest;
}

Result<FileDigest> CopyEvidenceFile(int source_fd, const std::string& path, uint64_t max_bytes) {
  auto fd = CreateNew(path);
  if (!fd) return fd.error();
  auto digest = CopyInto(source_fd, fd->get(), path, max_bytes);
  if (!digest) (void)unlink(path.c_str());
  return digest;
}

}  // namespace riposte

