// The syscalls riposte can capture: for each, its name, how its arguments read, and what
// the kernel program must read at entry or exit. This one table drives both the kernel's
// per-syscall spec map (what is captured) and the decoder (how a record is presented), so
// the two can never disagree.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "riposte_abi.h"

namespace riposte {

// How a raw integer argument is presented.
enum class ArgKind : uint8_t {
  kNone,       // argument not used
  kInt,        // signed decimal
  kUInt,       // unsigned decimal
  kHex,        // flags or pointer value, hex
  kFd,         // file descriptor (resolved through the fd table)
  kPid,        // a process or thread id, shown with its process's name when known (as Falco)
  kDirFd,      // directory fd, AT_FDCWD aware
  kOpenFlags,  // O_* flags
  kMode,       // permission bits, octal (open, creat)
  kChmodMode,  // permission bits by name, S_IXOTH first (chmod family, as Falco)
  kHexMode,    // permission bits in upper-case hex (mkdir family, as Falco)
  kUid,        // set*id's user id: the user's name, -1 as <NONE> (as Falco)
  kGid,        // set*id's group id: the group's name, -1 as <NONE>
  kOwnerId,    // the chown family's uid/gid: Falco's unsigned 32 bits, printed signed (-1)
  kSignal,     // signal number
  // Flag and enum arguments Falco re-encodes and names with its own tables
  // (decode/falco_flag_sets): clone's CLONE_*, ptrace's request, the *at family's AT_*...
  kPtraceRequest,
  kCloneFlags,
  kUnlinkatFlags,
  kLinkatFlags,
  kFchownatFlags,
  kRenameFlags,
  kMountFlags,
  kUmountFlags,
  kModuleFlags,
  kBpfCommand,
  kAcceptFlags, // accept4's SOCK_NONBLOCK and SOCK_CLOEXEC, as a number in Falco's open encoding
  kResolveFlags, // openat2's open_how.resolve (RESOLVE_*)
  kSocketFamily,
  kSocketType,
  kFcntlCmd,   // fcntl's command: F_DUPFD, F_DUPFD_CLOEXEC (the only ones captured)
  kFdFlags,    // an fd's O_* flags (pipe2, dup3): Falco keeps O_CLOEXEC, O_NONBLOCK, O_DIRECT
  kMemfdFlags, // memfd_create's MFD_* flags
  kUffdFlags,  // userfaultfd's flags: Falco names the kernel's value with its own O_* table
  kPrctlOption, // prctl's option: PR_* by Falco's table's name, the number when it has none
};

// How an entry/exit param (data[] of the record) is presented.
enum class ParamKind : uint8_t {
  kNone,
  kPath,      // NUL-terminated path, resolved against cwd or a dirfd
  kString,    // NUL-terminated string that is not a path (memfd name, module params)
  kSockaddr,  // struct sockaddr
  kOpenHow,   // struct open_how
  kFdPair,    // int[2] (pipe, socketpair)
  kCloneArgs, // first 8 bytes of struct clone_args: flags
  kCapHeader, // capset's struct __user_cap_header_struct: version, pid
  kCapData,   // capset's two struct __user_cap_data_struct: effective, permitted, inheritable (low, high)
  kExecStrings, // a failed exec's argv and envp (decode/failed_exec_strings)
};

struct ArgInfo {
  std::string_view name;
  ArgKind kind = ArgKind::kNone;
};

struct ParamInfo {
  std::string_view name;
  ParamKind kind = ParamKind::kNone;
  // For a path: index of the dirfd argument it is relative to, or -1 for cwd.
  int8_t dirfd_arg = -1;
  // A path Falco's event carries as a plain string (chdir's): shown as the process passed
  // it, not resolved (the state stage still resolves it).
  bool shown_as_passed = false;
};

struct SyscallInfo {
  int nr;
  std::string_view name;
  std::array<ArgInfo, 6> args;
  std::array<ParamInfo, 2> params;
  rp_syscall_spec spec;  // flags without RP_SPEC_ENABLED; the capture engine sets that
};

// Every syscall riposte knows, ordered by number.
std::span<const SyscallInfo> KnownSyscalls();
const SyscallInfo* FindSyscall(int nr);
const SyscallInfo* FindSyscall(std::string_view name);

// The syscalls the agent always needs to keep its process and fd tables right.
std::span<const std::string_view> StateSyscalls();
// A typical rule-driven set, used until rules choose the set.
std::span<const std::string_view> DefaultSyscalls();

}  // namespace riposte
