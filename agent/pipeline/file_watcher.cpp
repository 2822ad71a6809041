#include "pipeline/file_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <filesystem>
#include <set>

namespace riposte {

FileWatcher::FileWatcher(const std::vector<std::string>& paths) {
  fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) return;
  std::set<std::string> dirs;
  for (const auto& p : paths) {
    std::error_code ec;
    auto abs = std::filesystem::absolute(p, ec);
    if (std::filesystem::is_directory(abs, ec)) dirs.insert(abs.string());
    else dirs.insert(abs.parent_path().string());
  }
  constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB;
  for (const auto& d : dirs) inotify_add_watch(fd_, d.c_str(), kMask);
}

FileWatcher::~FileWatcher() {
  if (fd_ >= 0) close(fd_);
}

bool FileWatcher::Settled(std::chrono::milliseconds quiet) {
  if (fd_ < 0) return false;
  alignas(inotify_event) char buf[4096];
  const auto now = std::chrono::steady_clock::now();
  while (read(fd_, buf, sizeof(buf)) > 0) {
    pending_ = true;
    last_change_ = now;
  }
  if (pending_ && now - last_change_ >= quiet) {
    pending_ = false;
    return true;
  }
  return false;
}

}  // namespace riposte
