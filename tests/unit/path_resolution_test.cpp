#include "state/path_resolution.h"

#include <gtest/gtest.h>

namespace riposte {
namespace {

TEST(PathResolution, Normalizes) {
  EXPECT_EQ(NormalizePath("/a/b/../c/./d/"), "/a/c/d");
  EXPECT_EQ(NormalizePath("//etc///passwd"), "/etc/passwd");
  EXPECT_EQ(NormalizePath("/../.."), "/");
  EXPECT_EQ(NormalizePath("a/../../b"), "../b");
  EXPECT_EQ(NormalizePath("/"), "/");
}

TEST(PathResolution, ResolvesRelativeToABase) {
  EXPECT_EQ(ResolvePath("/home/u", "notes.txt"), "/home/u/notes.txt");
  EXPECT_EQ(ResolvePath("/home/u", "../../etc/shadow"), "/etc/shadow");
  EXPECT_EQ(ResolvePath("/home/u", "/etc/passwd"), "/etc/passwd");
  EXPECT_EQ(ResolvePath("", "rel/x"), "rel/x");  // unknown base: left relative
}

}  // namespace
}  // namespace riposte
