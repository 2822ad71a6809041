// A typed event: one kernel record decoded. Views (string_view) point into the record's
// bytes and are valid only while the record is being handled; the decoder reuses one Event
// for every record so the hot path does not allocate.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <span>
#include <string_view>

#include "riposte_abi.h"

namespace riposte {

struct SyscallInfo;
struct ProcessInfo;
struct FdInfo;

enum class EventKind : uint8_t { kSyscall, kProcessExec, kProcessFork, kProcessExit };

std::string_view EventKindName(EventKind kind);
// The process events riposte makes besides syscalls (procexec, procfork, procexit): with
// the syscall table, every evt.type it can produce.
inline constexpr EventKind kProcessEventKinds[] = {EventKind::kProcessExec, EventKind::kProcessFork,
                                                   EventKind::kProcessExit};

// A socket endpoint pair as the kernel saw it. Addresses in network byte order.
struct SocketTuple {
  uint16_t family = 0;  // 0: none
  uint16_t type = 0;
  uint16_t protocol = 0;
  uint16_t local_port = 0;
  uint16_t remote_port = 0;
  std::array<uint8_t, 16> local_addr{};
  std::array<uint8_t, 16> remote_addr{};
};

struct Event {
  EventKind kind = EventKind::kSyscall;
  // The kernel record this was decoded from (valid while the event is handled): what the
  // flight recorder keeps, byte for byte, so a capture replays it.
  std::span<const uint8_t> record;
  uint64_t ts_boot_ns = 0;
  uint32_t pid = 0;
  uint32_t tid = 0;
  uint32_t cpu = 0;

  // kSyscall
  const SyscallInfo* syscall = nullptr;  // never null for a decoded syscall event
  int64_t ret = 0;
  std::array<uint64_t, 6> args{};
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint16_t flags = 0;  // RP_TRUNC_PARAM*, RP_SYSCALL_*
  std::array<std::string_view, 2> params;  // raw param bytes (strings without their NUL)
  SocketTuple tuple;  // valid when flags has RP_SYSCALL_HAS_TUPLE
  rp_file_facts file{};  // what an open opened, when flags has RP_SYSCALL_HAS_FILE
  uint32_t kernel_kill = 0;  // in-kernel kill selector number + 1 when the kernel killed the caller

  // kProcessExec: the whole record, plus views of its variable parts.
  const rp_exec_record* exec = nullptr;
  std::string_view exe;     // path the kernel ran
  std::string_view argv;    // NUL-separated
  std::string_view env;     // NUL-separated
  std::string_view cgroup;  // "/a/b/c"
  // Falco's cgroups: one NUL-terminated path per controller of kFalcoCgroupControllers,
  // "" for a controller the kernel lacks.
  std::string_view controller_cgroups;
  std::string_view exec_filename;  // the path execve was given (bprm->filename)

  // kProcessFork
  uint32_t child_pid = 0;
  uint32_t child_tid = 0;
  uint32_t child_vpid = 0;
  uint64_t child_start_boottime_ns = 0;
  uint64_t child_pidns_init_start_ns = 0;  // when its pid namespace's init started
  rp_task_figures parent_figures{};  // the parent's resources as it forked
  std::string_view child_comm;  // the comm the kernel gave the child (its parent's at the fork)

  // kProcessExit
  int32_t exit_code = 0;
  bool group_dead = false;
  int32_t reaper_tid = 0;  // who inherits its children: 0 none, -1 not known

  // Filled by the state stage (StateTracker), not by the decoder.
  const ProcessInfo* process = nullptr;
  const FdInfo* fd = nullptr;         // the fd the syscall acts on, if known
  int64_t fd_num = -1;                // and its number
  bool fd_name_changed = false;       // this event gave the fd its name or a new one (fd.name_changed)
  int64_t prev_uid = -1;              // set*id: the real uid before the change
  std::string resolved_path[2];       // params[i] made absolute (kPath params only)
};

// The name a filter or a rule uses for the event (evt.type): the syscall name, or
// procexec, procfork, procexit.
std::string_view EventTypeName(const Event& e);

}  // namespace riposte
