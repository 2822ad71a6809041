#include "quarantine/quarantine_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/atomic_file.h"
#include "common/safe_file.h"
#include "common/unique_fd.h"

namespace riposte {
namespace {

// Serialises changes between processes (the agent and `riposte quarantine release`).
class FileLock {
 public:
  explicit FileLock(const std::string& path) {
    if (auto fd = OpenFileForWriting(path, WriteMode::kUpdate); fd) fd_ = std::move(*fd);
    if (fd_.valid()) flock(fd_.get(), LOCK_EX);
  }

 private:
  UniqueFd fd_;
};

}  // namespace

Result<std::vector<QuarantineRecord>> QuarantineStore::Load() const {
  std::vector<QuarantineRecord> out;
  std::ifstream in(path_);
  if (!in) {
    if (!std::filesystem::exists(path_)) return out;
    return Error{path_ + ": cannot read: " + strerror(errno)};
  }
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().empty()) return out;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    return Error{path_ + ": not valid JSON (" + std::string(e.what()) + "); move it aside after checking `ip netns` and "
                 "nft for tables named riposte_quarantine"};
  }
  if (!j.is_object() || !j.contains("quarantines") || !j["quarantines"].is_array())
    return Error{path_ + ": expected {\"quarantines\": [...]}"};
  for (const auto& e : j["quarantines"]) {
    if (!e.is_object() || !e.contains("netns_inode")) return Error{path_ + ": a record without netns_inode"};
    try {
      out.push_back(e.get<QuarantineRecord>());
    } catch (const nlohmann::json::exception& ex) {
      // A hand-edited record with a wrong type is an error to report, not a crash.
      return Error{path_ + ": a damaged record " + e.dump() + " (" + ex.what() + ")"};
    }
  }
  return out;
}

Status QuarantineStore::Save(const std::vector<QuarantineRecord>& records) const {
  nlohmann::json j{{"quarantines", nlohmann::json::array()}};
  for (const auto& r : records) j["quarantines"].push_back(r);
  return WriteFileAtomically(path_, j.dump(2) + "\n");
}

Status QuarantineStore::Put(const QuarantineRecord& record) {
  std::lock_guard lock(mu_);
  if (Status s = MakePrivateDirectories(std::filesystem::path(path_).parent_path().string()); !s) return s;
  FileLock file_lock(path_ + ".lock");
  auto records = Load();
  if (!records) return records.error();
  std::erase_if(*records, [&](const QuarantineRecord& r) { return r.netns_inode == record.netns_inode; });
  records->push_back(record);
  return Save(*records);
}

Status QuarantineStore::Remove(uint64_t netns_inode) {
  std::lock_guard lock(mu_);
  FileLock file_lock(path_ + ".lock");
  auto records = Load();
  if (!records) return records.error();
  std::erase_if(*records, [&](const QuarantineRecord& r) { return r.netns_inode == netns_inode; });
  return Save(*records);
}

}  // namespace riposte
