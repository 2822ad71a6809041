// Files riposte writes, where another user may have planted something: symlinks, hard
// links, FIFOs and other users' files are refused; directories others may write are
// refused unless sticky; what riposte creates is private.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "common/atomic_file.h"
#include "common/safe_file.h"
#include "output/alert_sinks.h"
#include "output/capture_file.h"

namespace riposte {
namespace {

class SafeFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = "/tmp/rp-safe-" + std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    victim_ = dir_ + "/victim";
    std::ofstream(victim_) << "precious\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Victim() {
    std::ifstream in(victim_);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  std::string dir_, victim_;
};

TEST_F(SafeFileTest, SymlinksHardLinksAndFifosAreRefused) {
  std::filesystem::create_symlink(victim_, dir_ + "/link");
  for (auto mode : {WriteMode::kAppend, WriteMode::kTruncate, WriteMode::kUpdate}) {
    auto r = OpenFileForWriting(dir_ + "/link", mode);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("symbolic link"), std::string::npos) << r.error().message;
  }
  std::filesystem::create_hard_link(victim_, dir_ + "/hard");
  auto hard = OpenFileForWriting(dir_ + "/hard", WriteMode::kTruncate);
  ASSERT_FALSE(hard);
  EXPECT_NE(hard.error().message.find("hard links"), std::string::npos) << hard.error().message;
  ASSERT_EQ(mkfifo((dir_ + "/fifo").c_str(), 0600), 0);
  auto fifo = OpenFileForWriting(dir_ + "/fifo", WriteMode::kAppend);  // must not block
  ASSERT_FALSE(fifo);
  EXPECT_EQ(Victim(), "precious\n");
}

TEST_F(SafeFileTest, AnotherUsersFileAndAnOpenDirectoryAreRefused) {
  std::ofstream(dir_ + "/theirs") << "x";
  ASSERT_EQ(chown((dir_ + "/theirs").c_str(), 65534, 65534), 0);
  auto theirs = OpenFileForWriting(dir_ + "/theirs", WriteMode::kAppend);
  ASSERT_FALSE(theirs);
  EXPECT_NE(theirs.error().message.find("belongs to uid 65534"), std::string::npos) << theirs.error().message;

  std::filesystem::create_directories(dir_ + "/open");
  chmod((dir_ + "/open").c_str(), 0777);
  auto open = OpenFileForWriting(dir_ + "/open/f", WriteMode::kAppend);
  ASSERT_FALSE(open);
  EXPECT_NE(open.error().message.find("writable by other users"), std::string::npos) << open.error().message;
  // Sticky (like /tmp): nobody may replace another's file there, so it is allowed.
  chmod((dir_ + "/open").c_str(), 01777);
  EXPECT_TRUE(OpenFileForWriting(dir_ + "/open/f", WriteMode::kAppend));
}

TEST_F(SafeFileTest, CreatedFilesAndDirectoriesArePrivate) {
  auto fd = OpenFileForWriting(dir_ + "/new/deeper/f", WriteMode::kAppend, 0600);
  ASSERT_TRUE(fd) << fd.error().message;
  struct stat st {};
  ASSERT_EQ(stat((dir_ + "/new/deeper").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  ASSERT_EQ(stat((dir_ + "/new/deeper/f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  // An existing file of ours with wider permissions is narrowed.
  std::ofstream(dir_ + "/wide") << "x";
  chmod((dir_ + "/wide").c_str(), 0644);
  ASSERT_TRUE(OpenFileForWriting(dir_ + "/wide", WriteMode::kAppend, 0600));
  ASSERT_EQ(stat((dir_ + "/wide").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(SafeFileTest, AlertsCaptureAndAtomicFilesNeverFollowAPlantedLink) {
  std::filesystem::create_symlink(victim_, dir_ + "/alerts.json");
  EXPECT_FALSE(FileAlertSink::Open(dir_ + "/alerts.json"));
  std::filesystem::create_symlink(victim_, dir_ + "/capture.rpc");
  EXPECT_FALSE(CaptureWriter::Create(dir_ + "/capture.rpc", nlohmann::json::object()));
  // The atomic writer's temporary name is fresh and exclusive; a link at the old fixed
  // name (PATH.tmp) is never opened, and the final rename replaces a link at PATH itself.
  std::filesystem::create_symlink(victim_, dir_ + "/state.json.tmp");
  std::filesystem::create_symlink(victim_, dir_ + "/state.json");
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/state.json", "{}\n"));
  EXPECT_FALSE(std::filesystem::is_symlink(dir_ + "/state.json"));
  EXPECT_EQ(Victim(), "precious\n");
  // A character device is taken as it is (alerts nobody reads go to /dev/null).
  EXPECT_TRUE(FileAlertSink::Open("/dev/null"));
  EXPECT_FALSE(OpenFileForWriting("/dev/null", WriteMode::kAppend)) << "only where a caller accepts devices";
  // Alerts files are created 0600.
  ASSERT_TRUE(FileAlertSink::Open(dir_ + "/fresh.json"));
  struct stat st {};
  ASSERT_EQ(stat((dir_ + "/fresh.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

}  // namespace
}  // namespace riposte
