// Reads the audit trail as it grows, from a given seq on, across rotation: what a shipper
// sends off the node. The trail's own files are the spool: nothing is copied. The files
// are opened oldest first (FILE.keep .. FILE.1, FILE) and read to their ends; then FILE is
// followed, and when it is renamed away (rotation) the renamed file is read to its end
// before the new FILE is opened. Records whose seq is not after the cursor are skipped.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "common/unique_fd.h"

namespace riposte {

struct AuditLine {
  uint64_t seq = 0;
  std::string text;       // the record's exact bytes, without the newline
  nlohmann::json record;  // parsed once here, for the shipper's headers and renderings
};

class AuditFollower {
 public:
  // `keep`: how many rotated files there may be (audit.keep).
  AuditFollower(std::string path, int keep, uint64_t after_seq);

  // Up to `max` complete records after the cursor, in order (fewer, or none, when that
  // is all there is now). A record that is not JSON with a seq is skipped and counted.
  Result<std::vector<AuditLine>> Next(size_t max);

  uint64_t unreadable() const { return unreadable_; }

 private:
  Status Start();
  // Reads what `fd_` has after `offset_`; false at its end.
  bool ReadMore();

  std::string path_;
  int keep_;
  uint64_t after_;
  bool started_ = false;
  std::deque<UniqueFd> older_;  // rotated files still to read, oldest first
  UniqueFd fd_;                 // the file being read
  ino_t inode_ = 0;
  off_t offset_ = 0;
  std::string partial_;         // bytes after the last newline read
  uint64_t unreadable_ = 0;
};

}  // namespace riposte
