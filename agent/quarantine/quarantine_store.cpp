#include "quarantine/quarantine_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/unique_fd.h"

namespace riposte {
namespace {

nlohmann::json ToJson(const QuarantineRecord& r) {
  return {{"netns_inode", r.netns_inode}, {"pid", r.pid},         {"container_id", r.container_id},
          {"container_name", r.container_name}, {"runtime_namespace", r.runtime_namespace},
          {"pod", r.pod},                 {"allow", r.allow},     {"since", r.since},
          {"policy", r.policy},           {"alert_id", r.alert_id}};
}

QuarantineRecord FromJson(const nlohmann::json& j) {
  QuarantineRecord r;
  r.netns_inode = j.value("netns_inode", uint64_t{0});
  r.pid = j.value("pid", 0);
  r.container_id = j.value("container_id", "");
  r.container_name = j.value("container_name", "");
  r.runtime_namespace = j.value("runtime_namespace", "");
  r.pod = j.value("pod", "");
  r.allow = j.value("allow", nlohmann::json::array());
  r.since = j.value("since", "");
  r.policy = j.value("policy", "");
  r.alert_id = j.value("alert_id", "");
  return r;
}

// Serialises changes between processes (the agent and `riposte quarantine release`).
class FileLock {
 public:
  explicit FileLock(const std::string& path) : fd_(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
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
    out.push_back(FromJson(e));
  }
  return out;
}

Status QuarantineStore::Save(const std::vector<QuarantineRecord>& records) const {
  nlohmann::json j{{"quarantines", nlohmann::json::array()}};
  for (const auto& r : records) j["quarantines"].push_back(ToJson(r));
  const std::string tmp = path_ + ".tmp";
  {
    UniqueFd fd(open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd.valid()) return Error{tmp + ": " + strerror(errno)};
    const std::string text = j.dump(2) + "\n";
    for (size_t done = 0; done < text.size();) {
      ssize_t n = write(fd.get(), text.data() + done, text.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Error{tmp + ": " + strerror(errno)};
      }
      done += static_cast<size_t>(n);
    }
    if (fsync(fd.get()) != 0) return Error{tmp + ": fsync: " + strerror(errno)};
  }
  if (rename(tmp.c_str(), path_.c_str()) != 0) return Error{path_ + ": " + strerror(errno)};
  return Status::Ok();
}

Status QuarantineStore::Put(const QuarantineRecord& record) {
  std::lock_guard lock(mu_);
  std::error_code ec;
  auto dir = std::filesystem::path(path_).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
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
