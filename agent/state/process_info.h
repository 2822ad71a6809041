// Everything the agent keeps about one process (thread group). Filled at exec from the
// kernel's exec record, inherited at fork, seeded from /proc for processes that predate
// the agent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <memory>

#include "state/container_info.h"
#include "state/controller_cgroups.h"
#include "state/fd_table.h"

namespace riposte {

struct ProcessInfo {
  uint32_t pid = 0;
  uint32_t ppid = 0;
  uint32_t vpid = 0;   // pid inside its own pid namespace
  uint32_t sid = 0;    // session leader
  uint32_t pgid = 0;   // process-group leader
  uint32_t tty = 0;
  uint32_t uid = 0, gid = 0, euid = 0, egid = 0;
  uint32_t loginuid = UINT32_MAX;
  uint64_t start_boottime_ns = 0;  // identifies the process together with pid
  // When the init of its pid namespace started (CLOCK_MONOTONIC ns), as its last fork
  // record said; 0 until one did (a process known from /proc or an exec alone).
  uint64_t pidns_init_start_ns = 0;
  uint64_t cap_effective = 0, cap_permitted = 0, cap_inheritable = 0;

  std::string comm;     // kernel task name (15 chars max)
  // The kernel's name for it at its last fork (differs from `comm` once renamed with
  // prctl(PR_SET_NAME), which Falco, too, leaves out of proc.name): the "comm" parameter
  // of its clone events. Empty until it forks; cleared by exec.
  std::string fork_comm;
  std::string exe;      // argv[0] as the process got it (Falco's proc.exe)
  std::string exepath;  // the binary the kernel ran, made absolute (Falco's proc.exepath)
  std::vector<std::string> args;  // argv[1..]
  // args joined by spaces, and comm + args: what rules read as proc.args and
  // proc.cmdline, joined once when the process is (re)built rather than per rule.
  std::string args_text;
  std::string cmdline;
  void RefreshText();
  std::vector<std::string> env;   // bounded (RP_ENV_MAX bytes at exec)
  std::string cwd;
  // The path its last exec was given, as passed (bprm->filename: "./tool", execveat's
  // "/dev/fd/3/name"): Falco's filename parameter of that execve.
  std::string exec_filename;
  bool args_truncated = false;
  bool env_truncated = false;

  // Resources as the kernel last reported them (at exec, and at each fork or thread
  // creation by this process): what Falco's execve and clone events print as fdlimit,
  // pgft_maj, pgft_min, vm_size, vm_rss and vm_swap. Unknown for a process seen only in /proc.
  struct Figures {
    uint64_t fdlimit = 0, pgft_maj = 0, pgft_min = 0;
    uint64_t vm_size_kib = 0, vm_rss_kib = 0, vm_swap_kib = 0;
  };
  std::optional<Figures> figures;

  // Executable facts, taken in the kernel at exec.
  uint64_t exe_ino = 0;
  int64_t exe_ctime_ns = 0;
  int64_t exe_mtime_ns = 0;
  bool exe_from_memfd = false;
  bool exe_upper_layer = false;
  bool exe_lower_layer = false;
  bool exe_writable = false;  // the new program may write its executable (Falco's EXE_WRITABLE)

  std::string cgroup;        // path in the hierarchy the agent reads
  ControllerCgroups controller_cgroups;  // Falco's cgroups: each controller's path
  std::string container_id;  // "" for a host process
  // The runtime's description of that container (null on the host, or when the agent
  // has no runtime to ask, as when replaying a capture).
  std::shared_ptr<ContainerEntry> container;
  uint32_t pidns_inum = 0;
  uint32_t mntns_inum = 0;

  // Its live threads (proc.nthreads): 1 at exec (exec ends the others) and in a new
  // process; counted up as it creates threads and down as they exit.
  uint32_t threads = 1;
  bool kernel_thread = false;   // PF_KTHREAD (from /proc; the kernel's records are never of one)
  bool from_proc_scan = false;  // seeded from /proc rather than seen exec'ing
  FdTable fds;

  bool is_container() const { return !container_id.empty(); }
};

}  // namespace riposte
