#include "state/fd_table.h"

#include <gtest/gtest.h>

namespace riposte {
namespace {

FdInfo File(const std::string& name) {
  FdInfo f;
  f.type = FdType::kFile;
  f.name = name;
  return f;
}

TEST(FdTable, SetFindClose) {
  FdTable t;
  t.Set(3, File("/etc/passwd"));
  ASSERT_NE(t.Find(3), nullptr);
  EXPECT_EQ(t.Find(3)->name, "/etc/passwd");
  t.Close(3);
  EXPECT_EQ(t.Find(3), nullptr);
  t.Set(-1, File("/never"));
  EXPECT_EQ(t.size(), 0u);
}

TEST(FdTable, DuplicateCopiesAndReplaces) {
  FdTable t;
  t.Set(3, File("/a"));
  t.Set(1, File("/dev/pts/0"));
  t.Duplicate(3, 1);  // dup2(3, 1)
  EXPECT_EQ(t.Find(1)->name, "/a");
  EXPECT_EQ(t.Find(3)->name, "/a");
  t.Duplicate(3, 3);  // no-op
  EXPECT_EQ(t.size(), 2u);
}

// Falco's parser: a dup of an fd its table does not hold leaves the target as it was.
TEST(FdTable, DuplicateOfAnUnknownFdLeavesTheTarget) {
  FdTable t;
  t.Set(1, File("/dev/null"));
  t.Duplicate(9, 1);
  ASSERT_NE(t.Find(1), nullptr);
  EXPECT_EQ(t.Find(1)->name, "/dev/null");
}

TEST(FdTable, IsBounded) {
  FdTable t;
  for (int i = 0; i < static_cast<int>(FdTable::kMaxFds) + 10; ++i) t.Set(i, File("/f"));
  EXPECT_EQ(t.size(), FdTable::kMaxFds);
  EXPECT_EQ(t.overflowed(), 10u);
  t.Set(5, File("/replaced"));  // replacing an existing fd is always allowed
  EXPECT_EQ(t.Find(5)->name, "/replaced");
}

}  // namespace
}  // namespace riposte
