#include "response/protected_targets.h"

#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace riposte {
namespace {

constexpr unsigned long kPfKthread = 0x00200000;  // include/linux/sched.h

// comm and flags from /proc/PID/stat; nothing when the process is gone.
struct StatFacts {
  std::string comm;
  unsigned long flags = 0;
};
std::optional<StatFacts> ReadStat(uint32_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!in || !std::getline(in, text)) return std::nullopt;
  size_t open = text.find('('), close = text.rfind(')');
  if (open == std::string::npos || close == std::string::npos) return std::nullopt;
  StatFacts f;
  f.comm = text.substr(open + 1, close - open - 1);
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  // state ppid pgrp session tty_nr tpgid flags
  for (int i = 0; i < 7 && rest >> field; ++i)
    if (i == 6) f.flags = std::stoul(field);
  return f;
}

}  // namespace

bool MatchesAnyGlob(const std::vector<std::string>& patterns, const std::string& name) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return fnmatch(p.c_str(), name.c_str(), 0) == 0; });
}

ProtectedTargets::ProtectedTargets(ProtectionConfig config)
    : config_(std::move(config)), self_pid_(static_cast<uint32_t>(getpid())) {}

std::optional<std::string> ProtectedTargets::ProcessProtected(uint32_t pid, std::string comm) const {
  if (pid == 0) return "no process";
  if (pid == 1) return "pid 1 (init) is protected";
  if (pid == self_pid_) return "the agent itself is protected";
  if (std::find(config_.pids.begin(), config_.pids.end(), pid) != config_.pids.end())
    return "pid " + std::to_string(pid) + " is on the protected list";
  auto stat = ReadStat(pid);
  if (stat && (stat->flags & kPfKthread)) return "kernel thread '" + stat->comm + "' is protected";
  if (comm.empty() && stat) comm = stat->comm;
  if (!comm.empty() && MatchesAnyGlob(config_.process_names, comm))
    return "process name '" + comm + "' is protected";
  return std::nullopt;
}

std::optional<std::string> ProtectedTargets::TargetProtected(const AlertTarget& t) const {
  if (!t.k8s_namespace.empty() && MatchesAnyGlob(config_.namespaces, t.k8s_namespace))
    return "Kubernetes namespace '" + t.k8s_namespace + "' is protected";
  if (!t.container_image.empty() && MatchesAnyGlob(config_.images, t.container_image))
    return "container image '" + t.container_image + "' is protected";
  if (t.pid != 0) {
    if (t.pid == 1) return "pid 1 (init) is protected";
    if (t.pid == self_pid_) return "the agent itself is protected";
  }
  if (!t.process_name.empty() && MatchesAnyGlob(config_.process_names, t.process_name))
    return "process name '" + t.process_name + "' is protected";
  return std::nullopt;
}

}  // namespace riposte
