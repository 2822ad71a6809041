// `riposte exec`'s supervisor: the command runs under its seccomp profile, and the
// syscalls riposte may want to take away later (the `restricted` set, unless the profile
// already denies them) are handed to this supervisor through seccomp's user
// notification instead of being decided in the kernel. Until a seccomp.tighten arrives
// they continue as normal; afterwards they fail with EPERM (or the caller is killed).
// Tightening is asked for over a unix socket named after the command's pid, so the agent
// finds the supervisor from any process of the command's tree. Deciding by syscall number
// only (never by argument) keeps the notifier's argument TOCTOU out of the picture.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "seccomp/seccomp_profile.h"

namespace riposte {

struct SupervisorOptions {
  nlohmann::json profile;                  // the OCI profile the command starts with
  std::vector<std::string> watch;          // syscalls the supervisor decides
  std::string control_dir = "/run/riposte/exec";
  std::string profile_dir = "/var/lib/riposte/seccomp";  // where tightened profiles are saved
};

// Runs `command` supervised until it ends; returns its wait status (as waitpid gives
// it), so the caller can end the same way, or an error when it could not be started.
Result<int> RunSupervised(const SupervisorOptions& options, const std::vector<std::string>& command);

struct SupervisedTightening {
  pid_t supervised_pid = 0;                // the command's first process
  std::vector<std::string> denied;         // everything denied now
  std::vector<std::string> not_enforced;   // asked for but not watched: stays allowed
  std::string profile;                     // the tightened profile, saved
};

// Asks the supervisor of `pid` (or of the nearest ancestor that has one) to deny `deny`.
// `parent_hint` is where the walk goes on when `pid` has already exited (0: unknown).
// NotFound when no process up the tree was started by `riposte exec`.
Result<SupervisedTightening> TightenSupervised(pid_t pid, pid_t parent_hint, const std::vector<std::string>& deny,
                                              DenyAction action,
                                              const std::string& control_dir = "/run/riposte/exec");

}  // namespace riposte
