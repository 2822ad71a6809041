#include "evidence/tar_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/safe_file.h"

namespace riposte {
namespace {

constexpr size_t kBlock = 512;

void Octal(char* field, size_t width, uint64_t value) {
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1), static_cast<unsigned long long>(value));
}

}  // namespace

Status TarWriter::Write(const void* data, size_t size) {
  if (!WriteFully(fd_, {static_cast<const char*>(data), size}))
    return Error{std::string("tar: write: ") + std::strerror(errno)};
  return Status::Ok();
}

Status TarWriter::Pad(uint64_t size) {
  static const char zeros[kBlock] = {};
  const size_t rest = (kBlock - size % kBlock) % kBlock;
  return rest ? Write(zeros, rest) : Status::Ok();
}

Status TarWriter::Header(const std::string& name, uint64_t size, int64_t mtime_s) {
  if (name.empty() || name.size() >= 100) return Error{"tar: name '" + name + "' is not 1 to 99 bytes"};
  char h[kBlock] = {};
  std::memcpy(h, name.data(), name.size());
  Octal(h + 100, 8, 0600);
  Octal(h + 108, 8, 0);
  Octal(h + 116, 8, 0);
  Octal(h + 124, 12, size);
  Octal(h + 136, 12, static_cast<uint64_t>(mtime_s < 0 ? 0 : mtime_s));
  std::memset(h + 148, ' ', 8);  // the checksum counts its own field as spaces
  h[156] = '0';                  // a regular file
  std::memcpy(h + 257, "ustar", 6);
  std::memcpy(h + 263, "00", 2);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(h + 148, 8, "%06o", sum);
  h[155] = ' ';
  return Write(h, sizeof(h));
}

Status TarWriter::Add(const std::string& name, std::string_view content, int64_t mtime_s) {
  if (auto st = Header(name, content.size(), mtime_s); !st) return st;
  if (auto st = Write(content.data(), content.size()); !st) return st;
  return Pad(content.size());
}

Status TarWriter::AddFile(const std::string& name, int source_fd, uint64_t size, int64_t mtime_s) {
  if (auto st = Header(name, size, mtime_s); !st) return st;
  char buf[1 << 16];
  uint64_t done = 0;
  while (done < size) {
    const ssize_t n = pread(source_fd, buf, std::min<uint64_t>(sizeof(buf), size - done), static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error{"tar: " + name + " is shorter than it was"};
    if (auto st = Write(buf, static_cast<size_t>(n)); !st) return st;
    done += static_cast<uint64_t>(n);
  }
  return Pad(size);
}

Status TarWriter::Finish() {
  static const char zeros[2 * kBlock] = {};
  return Write(zeros, sizeof(zeros));
}

}  // namespace riposte
