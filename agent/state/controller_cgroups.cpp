#include "state/controller_cgroups.h"

#include <algorithm>
#include <sstream>

namespace riposte {
namespace {

int ControllerSlot(std::string_view name) {
  if (name == "blkio") name = "io";  // io's name in a v1 hierarchy
  auto it = std::find(kFalcoCgroupControllers.begin(), kFalcoCgroupControllers.end(), name);
  return it == kFalcoCgroupControllers.end() ? -1 : static_cast<int>(it - kFalcoCgroupControllers.begin());
}

bool ListsController(const std::string& controllers, std::string_view name) {
  std::istringstream in(controllers);
  std::string word;
  while (in >> word)
    if (word == name) return true;
  return false;
}

std::string Parent(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == 0 || slash == std::string_view::npos ? "/" : std::string(path.substr(0, slash));
}

}  // namespace

ControllerCgroups ControllerCgroupsFromRecord(std::string_view list) {
  ControllerCgroups out;
  for (std::string_view name : kFalcoCgroupControllers) {
    const auto end = list.find('\0');
    std::string_view path = list.substr(0, end);
    if (!path.empty()) out.emplace_back(std::string(name), std::string(path));
    if (end == std::string_view::npos) break;
    list.remove_prefix(end + 1);
  }
  return out;
}

ControllerCgroups ControllerCgroupsFromProc(std::string_view proc_cgroup, const ControllersAt& controllers_at) {
  std::array<std::string, kFalcoCgroupControllers.size()> paths;
  std::string v2;
  bool has_v2 = false;
  std::istringstream in{std::string(proc_cgroup)};
  std::string line;
  while (std::getline(in, line)) {
    const auto c1 = line.find(':');
    const auto c2 = c1 == std::string::npos ? c1 : line.find(':', c1 + 1);
    if (c2 == std::string::npos) continue;
    const std::string controllers = line.substr(c1 + 1, c2 - c1 - 1);
    const std::string path = line.substr(c2 + 1);
    if (controllers.empty()) {
      if (line.compare(0, c1, "0") == 0) {
        v2 = path;
        has_v2 = true;
      }
      continue;
    }
    std::istringstream names(controllers);
    std::string name;
    while (std::getline(names, name, ','))
      if (int slot = ControllerSlot(name); slot >= 0) paths[slot] = path;
  }
  if (has_v2) {
    for (size_t slot = 0; slot < paths.size(); ++slot) {
      if (!paths[slot].empty()) continue;
      // The nearest cgroup at or above the process's where the controller is enabled; the
      // root, where the kernel keeps a controller enabled nowhere below it.
      std::string at = v2.empty() ? "/" : v2;
      while (at != "/" && !ListsController(controllers_at(at), kFalcoCgroupControllers[slot])) at = Parent(at);
      paths[slot] = at;
    }
  }
  ControllerCgroups out;
  for (size_t slot = 0; slot < paths.size(); ++slot)
    if (!paths[slot].empty()) out.emplace_back(std::string(kFalcoCgroupControllers[slot]), paths[slot]);
  return out;
}

std::string ControllerCgroupsText(const ControllerCgroups& cgroups) {
  std::string out;
  for (const auto& [name, path] : cgroups) {
    if (!out.empty()) out += ' ';
    out += name + "=" + path;
  }
  return out;
}

}  // namespace riposte
