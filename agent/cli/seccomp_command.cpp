// `riposte seccomp show CONTAINER`: what seccomp does to a container — the profile in its
// containerd spec (what its next task starts with), what its running task actually has
// (the kernel's view in /proc/PID/status), and the profiles seccomp.tighten saved for it.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "cli/config_loading.h"
#include "daemon/response_setup.h"
#include "containers/container_directory.h"
#include "seccomp/seccomp_profile.h"

namespace riposte {
namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s.empty() ? "(none)" : s;
}

int Show(const std::string& id, const GlobalOptions& global) {
  auto config = LoadConfigFor(global);
  if (!config) {
    spdlog::error("{}", config.error().message);
    return 2;
  }
  ContainerDirectory directory(ContainerDirectoryOptionsFor(*config));
  directory.AttachEngines();
  auto info = directory.Describe(id);
  if (!info) {
    spdlog::error("{}", info.error().message);
    return 1;
  }
  auto record = directory.containerd().GetContainer(info->runtime_namespace, info->id);
  if (!record) {
    spdlog::error("{}", record.error().message);
    return 1;
  }
  std::printf("container %s (%s, namespace %s)\n", info->id.c_str(), info->name.c_str(), info->runtime_namespace.c_str());
  const nlohmann::json profile = SpecSeccompProfile(record->spec);
  if (profile.is_object()) {
    std::printf("spec profile: default %s, %zu rules\n  denied: %s\n", profile.value("defaultAction", "?").c_str(),
                profile.value("syscalls", nlohmann::json::array()).size(), Join(DeniedSyscalls(profile)).c_str());
  } else {
    std::printf("spec profile: none (every syscall allowed)\n");
  }
  if (auto task = directory.containerd().GetTask(info->runtime_namespace, info->id); task && task->pid) {
    std::ifstream status("/proc/" + std::to_string(task->pid) + "/status");
    std::string mode = "?", filters = "?";
    for (std::string line; std::getline(status, line);) {
      if (line.starts_with("Seccomp:")) mode = line.substr(line.find_first_not_of(" \t", 8));
      if (line.starts_with("Seccomp_filters:")) filters = line.substr(line.find_first_not_of(" \t", 16));
    }
    const char* name = mode == "2" ? "filter" : mode == "1" ? "strict" : mode == "0" ? "disabled" : "unknown";
    std::printf("running task: pid %u, seccomp %s, %s filter(s) installed\n", task->pid, name, filters.c_str());
  } else {
    std::printf("running task: none\n");
  }
  std::vector<std::filesystem::path> saved;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(config->seccomp_profile_dir, ec))
    if (e.path().filename().string().starts_with(info->id.substr(0, 12)) && e.path().extension() == ".json")
      saved.push_back(e.path());
  std::sort(saved.begin(), saved.end());
  std::printf("profiles saved by seccomp.tighten: %zu\n", saved.size());
  for (auto it = saved.rbegin(); it != saved.rend(); ++it) std::printf("  %s\n", it->c_str());
  return 0;
}

}  // namespace

void RegisterSeccompCommand(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand("seccomp", "Show the seccomp profile a container has and what was tightened");
  cmd->require_subcommand(1);
  auto id = std::make_shared<std::string>();
  CLI::App* show = cmd->add_subcommand("show", "The container's spec profile, its task's live filter, saved profiles");
  show->add_option("container", *id, "container id or unique prefix")->required();
  show->callback([id, &global] {
    if (int rc = Show(*id, global); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace riposte
