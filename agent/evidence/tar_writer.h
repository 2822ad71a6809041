// A POSIX ustar archive written to a file descriptor: regular files only, names up to
// 100 bytes (the evidence export's own short names), contents from memory or from an fd.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace riposte {

class TarWriter {
 public:
  explicit TarWriter(int fd) : fd_(fd) {}
  Status Add(const std::string& name, std::string_view content, int64_t mtime_s);
  // Copies `size` bytes of `source_fd` from its start.
  Status AddFile(const std::string& name, int source_fd, uint64_t size, int64_t mtime_s);
  // The two zero blocks that end an archive.
  Status Finish();

 private:
  Status Header(const std::string& name, uint64_t size, int64_t mtime_s);
  Status Write(const void* data, size_t size);
  Status Pad(uint64_t size);
  int fd_;
};

}  // namespace riposte
