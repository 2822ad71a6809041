// Reloads come from changes to rule and policy files only: an audit log or any other file
// written beside them does not reload the agent (its reload record would reload it again).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "pipeline/file_watcher.h"

namespace riposte {
namespace {

class FileWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("rp-watch-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "rules.d");
    std::ofstream(dir_ / "policies.yaml") << "[]\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // Whether the watcher reports a settled change within a second.
  static bool Reloads(FileWatcher& w) {
    for (int i = 0; i < 50; ++i) {
      if (w.Settled(std::chrono::milliseconds(30))) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  std::filesystem::path dir_;
};

TEST_F(FileWatcherTest, OnlyRuleAndPolicyFilesReload) {
  FileWatcher w({(dir_ / "policies.yaml").string(), (dir_ / "rules.d").string()});
  ASSERT_TRUE(w.ok());
  std::ofstream(dir_ / "audit.log", std::ios::app) << "{\"seq\":1}\n";
  std::ofstream(dir_ / "other.yaml") << "x\n";  // not a file given, in a directory not given
  std::ofstream(dir_ / "rules.d" / "notes.txt") << "x\n";
  EXPECT_FALSE(Reloads(w));
  std::ofstream(dir_ / "policies.yaml") << "[] # edited\n";
  EXPECT_TRUE(Reloads(w));
  std::ofstream(dir_ / "rules.d" / "more.yaml") << "[]\n";
  EXPECT_TRUE(Reloads(w));
  // A ConfigMap swap renames its ..data link.
  std::filesystem::create_directory(dir_ / "rules.d" / "..data_tmp");
  std::filesystem::rename(dir_ / "rules.d" / "..data_tmp", dir_ / "rules.d" / "..data");
  EXPECT_TRUE(Reloads(w));
}

}  // namespace
}  // namespace riposte
