// The cgroups Falco reports for a process (its execve and clone events' `cgroups`
// parameter, thread.cgroups, thread.cgroup[NAME]): one path per controller of a fixed set,
// each in that controller's own hierarchy on a cgroup v1 host, on v2 where the controller
// is enabled. The kernel side reads them at exec; a process known only from /proc gets
// them from /proc/PID/cgroup.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace riposte {

// The controllers, in Falco's order (its probe's; the kernel's cgroup_subsys names).
inline constexpr std::array<std::string_view, 5> kFalcoCgroupControllers = {"cpuset", "cpu", "cpuacct", "io",
                                                                             "memory"};

// (controller, path) pairs, only the controllers the host has, in that order.
using ControllerCgroups = std::vector<std::pair<std::string, std::string>>;

// From an exec record's list: one NUL-terminated path per controller, "" for a missing one.
ControllerCgroups ControllerCgroupsFromRecord(std::string_view list);

// From /proc/PID/cgroup's text. A v1 line names its controllers ("4:memory:/a", "3:cpu,cpuacct:/b";
// blkio is io's v1 name); the v2 line ("0::/a/b") gives each controller not found on a v1
// line the nearest cgroup at or above its path where the controller is enabled, asking
// `controllers_at` (a cgroup path -> the text of its cgroup.controllers, space-separated);
// the root, where none below enables it (as the kernel's records say).
using ControllersAt = std::function<std::string(std::string_view cgroup_path)>;
ControllerCgroups ControllerCgroupsFromProc(std::string_view proc_cgroup, const ControllersAt& controllers_at);

// "cpuset=/ cpu=/user.slice ...", as thread.cgroups prints them.
std::string ControllerCgroupsText(const ControllerCgroups& cgroups);

}  // namespace riposte
