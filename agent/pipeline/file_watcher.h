// Tells when rule or policy files change, through inotify on the directories that hold
// them: editors replace files, and Kubernetes swaps a ConfigMap by renaming a symlink,
// so watching the file itself would miss both. Only names that can change the rules or
// policies count: a file given by name, any YAML file of a directory given, and the
// `..data` names of a ConfigMap swap. Anything else written there (an audit log kept
// beside the rules, an editor's swap file) does not: the agent's own writes would
// otherwise reload it, and its reload record would reload it again.
#pragma once

#include <chrono>
#include <map>
#include <set>
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
  // Per watched directory: the file names given in it, and whether it was given itself.
  struct Watched {
    std::set<std::string> names;
    bool whole_directory = false;
  };
  bool Relevant(int wd, const char* name) const;

  int fd_ = -1;
  std::map<int, Watched> watched_;
  bool pending_ = false;
  std::chrono::steady_clock::time_point last_change_{};
};

}  // namespace riposte
