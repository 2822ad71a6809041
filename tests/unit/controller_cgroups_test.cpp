#include "state/controller_cgroups.h"

#include <map>

#include <gtest/gtest.h>

namespace riposte {
namespace {

using Pairs = ControllerCgroups;

TEST(ControllerCgroups, TheKernelsListNamesEachPresentController) {
  using namespace std::string_literals;
  EXPECT_EQ(ControllerCgroupsFromRecord("/\0/a\0\0/b\0/docker/c1\0"s),
            (Pairs{{"cpuset", "/"}, {"cpu", "/a"}, {"io", "/b"}, {"memory", "/docker/c1"}}));
  EXPECT_EQ(ControllerCgroupsFromRecord(""), Pairs{});
  // A list cut short (a malformed record) names what it has.
  EXPECT_EQ(ControllerCgroupsFromRecord("/x"), (Pairs{{"cpuset", "/x"}}));
}

// A v1 host: every controller in its own hierarchy; blkio is io's v1 name.
TEST(ControllerCgroups, ProcOnAV1HostNamesEachHierarchy) {
  const std::string proc =
      "9:name=systemd:/\n8:pids:/\n7:blkio:/blk\n4:memory:/process_api/9b1d\n3:cpuset:/\n2:cpu,cpuacct:/c\n0::/\n";
  auto none = [](std::string_view) { return std::string(); };
  EXPECT_EQ(ControllerCgroupsFromProc(proc, none),
            (Pairs{{"cpuset", "/"}, {"cpu", "/c"}, {"cpuacct", "/c"}, {"io", "/blk"}, {"memory", "/process_api/9b1d"}}));
}

// A v2 host: one path; each controller's cgroup is the nearest at or above it that enables
// the controller (its cgroup.controllers), the root where none does.
TEST(ControllerCgroups, ProcOnAV2HostWalksUpToWhereAControllerIsEnabled) {
  const std::map<std::string, std::string, std::less<>> controllers = {
      {"/user.slice/user-1000.slice/session.scope", "memory pids"},
      {"/user.slice/user-1000.slice", "memory pids"},
      {"/user.slice", "cpuset cpu io memory pids"},
  };
  auto at = [&](std::string_view path) {
    auto it = controllers.find(path);
    return it == controllers.end() ? std::string() : it->second;
  };
  EXPECT_EQ(ControllerCgroupsFromProc("0::/user.slice/user-1000.slice/session.scope\n", at),
            (Pairs{{"cpuset", "/user.slice"},
                   {"cpu", "/user.slice"},
                   {"cpuacct", "/"},
                   {"io", "/user.slice"},
                   {"memory", "/user.slice/user-1000.slice/session.scope"}}));
  EXPECT_EQ(ControllerCgroupsText(ControllerCgroupsFromProc("0::/\n", at)),
            "cpuset=/ cpu=/ cpuacct=/ io=/ memory=/");
}

}  // namespace
}  // namespace riposte
