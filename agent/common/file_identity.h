// What a file is, as opposed to what it is called: the device and inode the kernel knows
// it by. Two paths (or a path and a process's executable) with one identity are one file.
#pragma once

#include <cstdint>

namespace riposte {

struct FileIdentity {
  uint64_t dev = 0;  // st_dev as stat(2) reports it
  uint64_t ino = 0;
  bool operator==(const FileIdentity&) const = default;
};

}  // namespace riposte
