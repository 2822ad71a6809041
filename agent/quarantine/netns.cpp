#include "quarantine/netns.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

namespace riposte {
namespace {

Result<uint64_t> InodeOf(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    int e = errno;
    return Error{path + ": " + strerror(e), e == ENOENT || e == ESRCH ? ErrorKind::kNotFound : ErrorKind::kGeneric};
  }
  return static_cast<uint64_t>(st.st_ino);
}

// Opens `path` if it is the namespace `inode` (checked on the open fd, so a pid reused
// between the check and the open cannot slip in another namespace).
UniqueFd OpenIfInode(const std::string& path, uint64_t inode) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return {};
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || st.st_ino != inode) return {};
  return fd;
}

}  // namespace

Result<uint64_t> NetnsInode(pid_t pid) { return InodeOf("/proc/" + std::to_string(pid) + "/ns/net"); }
Result<uint64_t> OwnNetnsInode() { return InodeOf("/proc/self/ns/net"); }

Result<UniqueFd> OpenNetns(uint64_t inode, const std::vector<pid_t>& hint_pids) {
  for (pid_t pid : hint_pids) {
    if (pid <= 0) continue;
    if (UniqueFd fd = OpenIfInode("/proc/" + std::to_string(pid) + "/ns/net", inode); fd.valid()) return fd;
  }
  std::error_code ec;
  for (const char* dir : {"/run/netns", "/var/run/netns"}) {
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
      if (UniqueFd fd = OpenIfInode(e.path().string(), inode); fd.valid()) return fd;
  }
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    if (UniqueFd fd = OpenIfInode(e.path().string() + "/ns/net", inode); fd.valid()) return fd;
  }
  return Error{"network namespace " + std::to_string(inode) + " no longer exists", ErrorKind::kNotFound};
}

Status RunInNetns(int netns_fd, const std::function<Status()>& work) {
  Status result = Status::Ok();
  // setns(CLONE_NEWNET) moves only the calling thread: a thread of its own enters and
  // ends there, and nothing else in the agent changes namespace.
  std::thread worker([&] {
    if (setns(netns_fd, CLONE_NEWNET) != 0) {
      result = Error{std::string("setns(CLONE_NEWNET): ") + strerror(errno)};
      return;
    }
    result = work();
  });
  worker.join();
  return result;
}

}  // namespace riposte
