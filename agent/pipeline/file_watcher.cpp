#include "pipeline/file_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string_view>

namespace riposte {

FileWatcher::FileWatcher(const std::vector<std::string>& paths) {
  fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) return;
  std::map<std::string, Watched> dirs;
  for (const auto& p : paths) {
    std::error_code ec;
    auto abs = std::filesystem::absolute(p, ec);
    if (std::filesystem::is_directory(abs, ec)) dirs[abs.string()].whole_directory = true;
    else dirs[abs.parent_path().string()].names.insert(abs.filename().string());
  }
  constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB;
  for (auto& [d, w] : dirs) {
    const int wd = inotify_add_watch(fd_, d.c_str(), kMask);
    if (wd >= 0) watched_[wd] = std::move(w);
  }
}

bool FileWatcher::Relevant(int wd, const char* name) const {
  auto it = watched_.find(wd);
  if (it == watched_.end() || !name || !*name) return true;  // the directory itself
  const std::string_view n(name);
  if (n.substr(0, 2) == "..") return true;  // a ConfigMap's ..data swap
  if (it->second.names.count(std::string(n))) return true;
  auto ends = [&](std::string_view suffix) { return n.size() > suffix.size() && n.substr(n.size() - suffix.size()) == suffix; };
  return it->second.whole_directory && (ends(".yaml") || ends(".yml"));
}

FileWatcher::~FileWatcher() {
  if (fd_ >= 0) close(fd_);
}

bool FileWatcher::Settled(std::chrono::milliseconds quiet) {
  if (fd_ < 0) return false;
  alignas(inotify_event) char buf[4096];
  const auto now = std::chrono::steady_clock::now();
  for (ssize_t n; (n = read(fd_, buf, sizeof(buf))) > 0;) {
    for (ssize_t at = 0; at + static_cast<ssize_t>(sizeof(inotify_event)) <= n;) {
      const auto* e = reinterpret_cast<const inotify_event*>(buf + at);
      if ((e->mask & IN_Q_OVERFLOW) || Relevant(e->wd, e->len ? e->name : nullptr)) {
        pending_ = true;
        last_change_ = now;
      }
      at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
    }
  }
  if (pending_ && now - last_change_ >= quiet) {
    pending_ = false;
    return true;
  }
  return false;
}

}  // namespace riposte
