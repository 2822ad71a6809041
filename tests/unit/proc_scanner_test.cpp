#include "state/proc_scanner.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

namespace riposte {
namespace {

TEST(ProcScanner, ReadsThisProcessLikeTheKernelWould) {
  ProcScanner scanner;
  int fd = open("/etc/hostname", O_RDONLY);
  ASSERT_GE(fd, 0);
  auto p = scanner.ReadProcess(static_cast<uint32_t>(getpid()));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->pid, static_cast<uint32_t>(getpid()));
  EXPECT_EQ(p->ppid, static_cast<uint32_t>(getppid()));
  EXPECT_EQ(p->exepath, std::filesystem::read_symlink("/proc/self/exe").string());
  EXPECT_EQ(p->cwd, std::filesystem::current_path().string());
  EXPECT_EQ(p->uid, getuid());
  ASSERT_NE(p->fds.Find(fd), nullptr);
  EXPECT_EQ(p->fds.Find(fd)->name, "/etc/hostname");
  EXPECT_EQ(p->fds.Find(fd)->type, FdType::kFile);
  EXPECT_TRUE(scanner.IsAlive(*p));
  ProcessInfo reused = *p;
  reused.start_boottime_ns += 10'000'000'000ull;  // same pid, another start time
  EXPECT_FALSE(scanner.IsAlive(reused));
  close(fd);
}

TEST(ProcScanner, GoneProcessesAreNotRead) {
  ProcScanner scanner;
  EXPECT_FALSE(scanner.ReadProcess(0x3fffffff));
}

TEST(ProcScanner, SplitsNulSeparatedBlobs) {
  EXPECT_EQ(SplitNulSeparated(std::string_view("a\0bb\0c\0", 7)), (std::vector<std::string>{"a", "bb", "c"}));
  EXPECT_EQ(SplitNulSeparated(std::string_view("a\0b", 3)), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(SplitNulSeparated("").empty());
}

}  // namespace
}  // namespace riposte
