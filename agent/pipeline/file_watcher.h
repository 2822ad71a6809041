// Tells when rule or policy files change, through inotify on the directories that hold
// them: editors replace files, and Kubernetes swaps a ConfigMap by renaming a symlink,
// so watching the file itself would miss both.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace riposte {

class FileWatcher {
 public:
  explicit FileWatcher(const std::vector<std::string>& paths);
  ~FileWatcher();
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

  bool ok() const { return fd_ >= 0; }
  // Drains pending notifications; true once changes have settled (no new one for
  // `quiet`), so a burst of writes reloads once.
  bool Settled(std::chrono::milliseconds quiet = std::chrono::milliseconds(300));

 private:
  int fd_ = -1;
  bool pending_ = false;
  std::chrono::steady_clock::time_point last_change_{};
};

}  // namespace riposte
