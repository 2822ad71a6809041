#include "state/process_table.h"

#include <gtest/gtest.h>

namespace riposte {
namespace {

ProcessInfo Proc(uint32_t pid, uint32_t ppid, const std::string& comm) {
  ProcessInfo p;
  p.pid = pid;
  p.ppid = ppid;
  p.comm = comm;
  return p;
}

TEST(ProcessTable, PutFindRemove) {
  ProcessTable t;
  t.Put(Proc(10, 1, "bash"));
  ASSERT_NE(t.Find(10), nullptr);
  EXPECT_EQ(t.Find(10)->comm, "bash");
  auto removed = t.Remove(10);
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->comm, "bash");
  EXPECT_EQ(t.Find(10), nullptr);
  EXPECT_FALSE(t.Remove(10));
}

TEST(ProcessTable, AncestorsFollowParentPids) {
  ProcessTable t;
  t.Put(Proc(1, 0, "init"));
  t.Put(Proc(10, 1, "sshd"));
  t.Put(Proc(20, 10, "bash"));
  t.Put(Proc(30, 20, "nc"));
  const ProcessInfo& nc = *t.Find(30);
  EXPECT_EQ(t.Ancestor(nc, 0)->comm, "nc");
  EXPECT_EQ(t.Ancestor(nc, 1)->comm, "bash");
  EXPECT_EQ(t.Ancestor(nc, 2)->comm, "sshd");
  EXPECT_EQ(t.Ancestor(nc, 3)->comm, "init");
  EXPECT_EQ(t.Ancestor(nc, 4), nullptr);
}

TEST(ProcessTable, AncestorChainStopsWhereAParentIsUnknown) {
  ProcessTable t;
  t.Put(Proc(30, 20, "nc"));
  EXPECT_EQ(t.Ancestor(*t.Find(30), 1), nullptr);
}

TEST(ProcessTable, IsBoundedAndCountsOverflow) {
  ProcessTable t(3);
  for (uint32_t pid = 1; pid <= 5; ++pid) t.Put(Proc(pid, 0, "p"));
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t.overflowed(), 2u);
}

TEST(ProcessTable, SweepRemovesTheDead) {
  ProcessTable t;
  for (uint32_t pid = 1; pid <= 6; ++pid) t.Put(Proc(pid, 0, "p"));
  size_t gone = t.Sweep([](const ProcessInfo& p) { return p.pid % 2 == 0; });
  EXPECT_EQ(gone, 3u);
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t.Find(1), nullptr);
  EXPECT_NE(t.Find(2), nullptr);
}

}  // namespace
}  // namespace riposte
