#include "kernel/syscall_table.h"

#include <sys/syscall.h>

#include <algorithm>
#include <vector>

namespace riposte {
namespace {

using K = ArgKind;
using P = ParamKind;

constexpr ArgInfo A(std::string_view name, ArgKind kind) { return {name, kind}; }
constexpr ArgInfo _ = {};

constexpr rp_param_spec kNoParam = {RP_PARAM_NONE, 0, 0, 0};
constexpr rp_param_spec Path(uint8_t arg) { return {RP_PARAM_PATH, arg, 0, 0}; }
constexpr rp_param_spec Sockaddr(uint8_t arg, uint8_t len_arg) {
  return {RP_PARAM_SOCKADDR, arg, len_arg, 0};
}
constexpr rp_param_spec MsghdrName(uint8_t arg) { return {RP_PARAM_MSGHDR_NAME, arg, 0, 0}; }
constexpr rp_param_spec Blob(uint8_t arg, uint8_t size) { return {RP_PARAM_BLOB, arg, size, 0}; }
constexpr rp_param_spec OutBlob(uint8_t arg, uint8_t size) {
  return {RP_PARAM_OUT_BLOB, arg, size, 0};
}
constexpr rp_param_spec OutSockaddr(uint8_t arg, uint8_t len_ptr_arg) {
  return {RP_PARAM_OUT_SOCKADDR, arg, len_ptr_arg, 0};
}
constexpr rp_param_spec OutMsghdrName(uint8_t arg) {
  return {RP_PARAM_OUT_MSGHDR_NAME, arg, 0, 0};
}
constexpr rp_param_spec OutString(uint8_t arg) { return {RP_PARAM_OUT_STR, arg, 0, 0}; }
constexpr rp_param_spec OutExecStrings(uint8_t argv_arg, uint8_t envp_arg) {
  return {RP_PARAM_OUT_EXEC_STRINGS, argv_arg, envp_arg, 0};
}

constexpr bool IsEntrySource(uint8_t s) {
  return s == RP_PARAM_PATH || s == RP_PARAM_SOCKADDR || s == RP_PARAM_MSGHDR_NAME ||
         s == RP_PARAM_BLOB;
}

constexpr rp_syscall_spec Spec(uint32_t flags, rp_param_spec p0 = kNoParam,
                               rp_param_spec p1 = kNoParam) {
  if (IsEntrySource(p0.source) || IsEntrySource(p1.source)) flags |= RP_SPEC_ENTER;
  return {flags, {p0, p1}};
}

constexpr ParamInfo Pm(std::string_view name, ParamKind kind, int8_t dirfd_arg = -1) {
  return {name, kind, dirfd_arg};
}
constexpr ParamInfo NoPm = {};
// A path Falco shows as the process passed it (resolved for the state stage only).
constexpr ParamInfo PathAsPassed(std::string_view name) {
  ParamInfo p = Pm(name, ParamKind::kPath);
  p.shown_as_passed = true;
  return p;
}

// Names follow Falco's event parameter names where Falco has the syscall, so that
// evt.arg.NAME in Falco rules finds the same thing here.
const std::vector<SyscallInfo>& Table() {
  static const std::vector<SyscallInfo> table = [] {
    std::vector<SyscallInfo> t = {
        // Process execution and creation
        // A failed exec also carries the argv and envp it was given (read at its exit).
        {SYS_execve, "execve", {_, _, _}, {Pm("filename", P::kPath), Pm("argv", P::kExecStrings)},
         Spec(0, Path(0), OutExecStrings(1, 2))},
        {SYS_execveat, "execveat", {A("dirfd", K::kDirFd), _, _, _, A("flags", K::kHex)},
         {Pm("filename", P::kPath, 0), Pm("argv", P::kExecStrings)}, Spec(0, Path(1), OutExecStrings(2, 3))},
        {SYS_clone, "clone", {A("flags", K::kCloneFlags)}, {NoPm, NoPm}, Spec(RP_SPEC_NEW_TASK)},
        // clone_args.flags, read at exit: the new task returns from a call it never entered.
        {SYS_clone3, "clone3", {_, A("size", K::kUInt)}, {Pm("flags", P::kCloneArgs), NoPm},
         Spec(RP_SPEC_NEW_TASK, OutBlob(0, 8))},
        {SYS_fork, "fork", {}, {NoPm, NoPm}, Spec(RP_SPEC_NEW_TASK)},
        {SYS_vfork, "vfork", {}, {NoPm, NoPm}, Spec(RP_SPEC_NEW_TASK)},
        {SYS_chdir, "chdir", {}, {PathAsPassed("path"), NoPm}, Spec(0, Path(0))},
        {SYS_fchdir, "fchdir", {A("fd", K::kFd)}, {NoPm, NoPm}, Spec(0)},
        {SYS_chroot, "chroot", {}, {Pm("path", P::kPath), NoPm}, Spec(0, Path(0))},
        // Files
        {SYS_open, "open", {_, A("flags", K::kOpenFlags), A("mode", K::kMode)},
         {Pm("name", P::kPath), NoPm}, Spec(0, Path(0))},
        {SYS_openat, "openat",
         {A("dirfd", K::kDirFd), _, A("flags", K::kOpenFlags), A("mode", K::kMode)},
         {Pm("name", P::kPath, 0), NoPm}, Spec(0, Path(1))},
        {SYS_openat2, "openat2", {A("dirfd", K::kDirFd), _, _, A("size", K::kUInt)},
         {Pm("name", P::kPath, 0), Pm("how", P::kOpenHow)}, Spec(0, Path(1), Blob(2, 24))},
        {SYS_creat, "creat", {_, A("mode", K::kMode)}, {Pm("name", P::kPath), NoPm},
         Spec(0, Path(0))},
        {SYS_close, "close", {A("fd", K::kFd)}, {NoPm, NoPm}, Spec(0)},
        {SYS_dup, "dup", {A("oldfd", K::kFd)}, {NoPm, NoPm}, Spec(0)},
        {SYS_dup2, "dup2", {A("oldfd", K::kFd), A("newfd", K::kFd)}, {NoPm, NoPm}, Spec(0)},
        {SYS_fcntl, "fcntl", {A("fd", K::kFd), A("cmd", K::kFcntlCmd)}, {NoPm, NoPm}, Spec(RP_SPEC_DUPFD_ONLY)},
        {SYS_dup3, "dup3", {A("oldfd", K::kFd), A("newfd", K::kFd), A("flags", K::kFdFlags)},
         {NoPm, NoPm}, Spec(0)},
        {SYS_pipe, "pipe", {}, {Pm("fds", P::kFdPair), NoPm}, Spec(0, OutBlob(0, 8))},
        {SYS_pipe2, "pipe2", {_, A("flags", K::kFdFlags)}, {Pm("fds", P::kFdPair), NoPm},
         Spec(0, OutBlob(0, 8))},
        {SYS_unlink, "unlink", {}, {Pm("path", P::kPath), NoPm}, Spec(0, Path(0))},
        {SYS_unlinkat, "unlinkat", {A("dirfd", K::kDirFd), _, A("flags", K::kUnlinkatFlags)},
         {Pm("name", P::kPath, 0), NoPm}, Spec(0, Path(1))},
        {SYS_rename, "rename", {}, {Pm("oldpath", P::kPath), Pm("newpath", P::kPath)},
         Spec(0, Path(0), Path(1))},
        {SYS_renameat, "renameat", {A("olddirfd", K::kDirFd), _, A("newdirfd", K::kDirFd)},
         {Pm("oldpath", P::kPath, 0), Pm("newpath", P::kPath, 2)}, Spec(0, Path(1), Path(3))},
        {SYS_renameat2, "renameat2",
         {A("olddirfd", K::kDirFd), _, A("newdirfd", K::kDirFd), _, A("flags", K::kRenameFlags)},
         {Pm("oldpath", P::kPath, 0), Pm("newpath", P::kPath, 2)}, Spec(0, Path(1), Path(3))},
        {SYS_mkdir, "mkdir", {_, A("mode", K::kHexMode)}, {Pm("path", P::kPath), NoPm},
         Spec(0, Path(0))},
        {SYS_mkdirat, "mkdirat", {A("dirfd", K::kDirFd), _, A("mode", K::kHexMode)},
         {Pm("path", P::kPath, 0), NoPm}, Spec(0, Path(1))},
        {SYS_rmdir, "rmdir", {}, {Pm("path", P::kPath), NoPm}, Spec(0, Path(0))},
        {SYS_symlink, "symlink", {}, {Pm("target", P::kString), Pm("linkpath", P::kPath)},
         Spec(0, Path(0), Path(1))},
        {SYS_symlinkat, "symlinkat", {_, A("linkdirfd", K::kDirFd)},
         {Pm("target", P::kString), Pm("linkpath", P::kPath, 1)}, Spec(0, Path(0), Path(2))},
        {SYS_link, "link", {}, {Pm("oldpath", P::kPath), Pm("newpath", P::kPath)},
         Spec(0, Path(0), Path(1))},
        {SYS_linkat, "linkat",
         {A("olddir", K::kDirFd), _, A("newdir", K::kDirFd), _, A("flags", K::kLinkatFlags)},
         {Pm("oldpath", P::kPath, 0), Pm("newpath", P::kPath, 2)}, Spec(0, Path(1), Path(3))},
        {SYS_chmod, "chmod", {_, A("mode", K::kChmodMode)}, {Pm("filename", P::kPath), NoPm},
         Spec(0, Path(0))},
        {SYS_fchmod, "fchmod", {A("fd", K::kFd), A("mode", K::kChmodMode)}, {NoPm, NoPm}, Spec(0)},
        {SYS_fchmodat, "fchmodat", {A("dirfd", K::kDirFd), _, A("mode", K::kChmodMode)},
         {Pm("filename", P::kPath, 0), NoPm}, Spec(0, Path(1))},
        {SYS_chown, "chown", {_, A("uid", K::kOwnerId), A("gid", K::kOwnerId)},
         {Pm("path", P::kPath), NoPm}, Spec(0, Path(0))},
        {SYS_lchown, "lchown", {_, A("uid", K::kOwnerId), A("gid", K::kOwnerId)},
         {Pm("path", P::kPath), NoPm}, Spec(0, Path(0))},
        {SYS_fchown, "fchown", {A("fd", K::kFd), A("uid", K::kOwnerId), A("gid", K::kOwnerId)},
         {NoPm, NoPm}, Spec(0)},
        {SYS_fchownat, "fchownat",
         {A("dirfd", K::kDirFd), _, A("uid", K::kOwnerId), A("gid", K::kOwnerId), A("flags", K::kFchownatFlags)},
         {Pm("pathname", P::kPath, 0), NoPm}, Spec(0, Path(1))},
        {SYS_memfd_create, "memfd_create", {_, A("flags", K::kMemfdFlags)},
         {Pm("name", P::kString), NoPm}, Spec(0, Path(0))},
        {SYS_mount, "mount", {_, _, _, A("flags", K::kMountFlags)},
         {Pm("dev", P::kString), Pm("dir", P::kPath)}, Spec(0, Path(0), Path(1))},
        {SYS_umount2, "umount2", {_, A("flags", K::kUmountFlags)}, {Pm("name", P::kPath), NoPm},
         Spec(0, Path(0))},
        // Credentials and capabilities
        {SYS_setuid, "setuid", {A("uid", K::kUid)}, {NoPm, NoPm}, Spec(0)},
        {SYS_setgid, "setgid", {A("gid", K::kGid)}, {NoPm, NoPm}, Spec(0)},
        {SYS_setreuid, "setreuid", {A("ruid", K::kUid), A("euid", K::kUid)}, {NoPm, NoPm},
         Spec(0)},
        // Falco's table types setregid's ids as user ids: they print by user name (65534 is
        // "nobody", not "nogroup"); kept, users' outputs show it.
        {SYS_setregid, "setregid", {A("rgid", K::kUid), A("egid", K::kUid)}, {NoPm, NoPm},
         Spec(0)},
        {SYS_setresuid, "setresuid", {A("ruid", K::kUid), A("euid", K::kUid), A("suid", K::kUid)},
         {NoPm, NoPm}, Spec(0)},
        {SYS_setresgid, "setresgid", {A("rgid", K::kGid), A("egid", K::kGid), A("sgid", K::kGid)},
         {NoPm, NoPm}, Spec(0)},
        // The header and the sets asked for, read at entry: the state stage applies them
        // when the call succeeds.
        {SYS_capset, "capset", {A("hdrp", K::kHex), A("datap", K::kHex)},
         {Pm("header", P::kCapHeader), Pm("data", P::kCapData)}, Spec(0, Blob(0, 8), Blob(1, 24))},
        // arg2 read at exit as a string: PR_SET_NAME's name, or the one PR_GET_NAME wrote.
        {SYS_prctl, "prctl", {A("option", K::kPrctlOption), A("arg2", K::kHex)}, {Pm("arg2_str", P::kString), NoPm},
         Spec(0, OutString(1))},
        // Processes, kernel and namespaces
        {SYS_ptrace, "ptrace", {A("request", K::kPtraceRequest), A("pid", K::kPid)}, {NoPm, NoPm},
         Spec(0)},
        {SYS_kill, "kill", {A("pid", K::kPid), A("sig", K::kSignal)}, {NoPm, NoPm}, Spec(0)},
        {SYS_tkill, "tkill", {A("tid", K::kPid), A("sig", K::kSignal)}, {NoPm, NoPm}, Spec(0)},
        {SYS_setsid, "setsid", {}, {NoPm, NoPm}, Spec(0)},
        {SYS_setpgid, "setpgid", {A("pid", K::kInt), A("pgid", K::kInt)}, {NoPm, NoPm}, Spec(0)},
        {SYS_tgkill, "tgkill", {A("pid", K::kPid), A("tid", K::kPid), A("sig", K::kSignal)},
         {NoPm, NoPm}, Spec(0)},
        {SYS_init_module, "init_module", {_, A("len", K::kUInt)}, {Pm("uargs", P::kString), NoPm},
         Spec(0, Path(2))},
        {SYS_finit_module, "finit_module", {A("fd", K::kFd), _, A("flags", K::kModuleFlags)},
         {Pm("uargs", P::kString), NoPm}, Spec(0, Path(1))},
        {SYS_bpf, "bpf", {A("cmd", K::kBpfCommand), _, A("size", K::kUInt)}, {NoPm, NoPm}, Spec(0)},
        {SYS_setns, "setns", {A("fd", K::kFd), A("nstype", K::kCloneFlags)}, {NoPm, NoPm}, Spec(0)},
        {SYS_unshare, "unshare", {A("flags", K::kCloneFlags)}, {NoPm, NoPm}, Spec(0)},
        {SYS_userfaultfd, "userfaultfd", {A("flags", K::kUffdFlags)}, {NoPm, NoPm}, Spec(0)},
        {SYS_io_uring_setup, "io_uring_setup", {A("entries", K::kUInt), A("params", K::kHex)},
         {NoPm, NoPm}, Spec(0)},
        // Network
        {SYS_socket, "socket",
         {A("domain", K::kSocketFamily), A("type", K::kSocketType), A("proto", K::kInt)},
         {NoPm, NoPm}, Spec(0)},
        {SYS_socketpair, "socketpair",
         {A("domain", K::kSocketFamily), A("type", K::kSocketType), A("proto", K::kInt)},
         {Pm("fds", P::kFdPair), NoPm}, Spec(0, OutBlob(3, 8))},
        {SYS_connect, "connect", {A("fd", K::kFd)}, {Pm("addr", P::kSockaddr), NoPm},
         Spec(RP_SPEC_TUPLE_ARG0, Sockaddr(1, 2))},
        {SYS_bind, "bind", {A("fd", K::kFd)}, {Pm("addr", P::kSockaddr), NoPm},
         Spec(RP_SPEC_TUPLE_ARG0, Sockaddr(1, 2))},
        {SYS_listen, "listen", {A("fd", K::kFd), A("backlog", K::kInt)}, {NoPm, NoPm},
         Spec(RP_SPEC_TUPLE_ARG0)},
        {SYS_accept, "accept", {A("fd", K::kFd)}, {NoPm, NoPm}, Spec(RP_SPEC_TUPLE_RET)},
        {SYS_accept4, "accept4", {A("fd", K::kFd), _, _, A("flags", K::kAcceptFlags)}, {NoPm, NoPm},
         Spec(RP_SPEC_TUPLE_RET)},
        {SYS_sendto, "sendto", {A("fd", K::kFd), _, A("size", K::kUInt)},
         {Pm("addr", P::kSockaddr), NoPm}, Spec(RP_SPEC_TUPLE_ARG0, Sockaddr(4, 5))},
        {SYS_recvfrom, "recvfrom", {A("fd", K::kFd), _, A("size", K::kUInt)},
         {Pm("addr", P::kSockaddr), NoPm}, Spec(RP_SPEC_TUPLE_ARG0, OutSockaddr(4, 5))},
        {SYS_sendmsg, "sendmsg", {A("fd", K::kFd)}, {Pm("addr", P::kSockaddr), NoPm},
         Spec(RP_SPEC_TUPLE_ARG0, MsghdrName(1))},
        {SYS_recvmsg, "recvmsg", {A("fd", K::kFd)}, {Pm("addr", P::kSockaddr), NoPm},
         Spec(RP_SPEC_TUPLE_ARG0, OutMsghdrName(1))},
        // Plain I/O: not in the default set (too hot), available to rules that need them.
        {SYS_read, "read", {A("fd", K::kFd), _, A("size", K::kUInt)}, {NoPm, NoPm}, Spec(0)},
        // Falco's names for pread64/pwrite64
        {SYS_pread64, "pread", {A("fd", K::kFd), _, A("size", K::kUInt), A("pos", K::kInt)}, {NoPm, NoPm}, Spec(0)},
        {SYS_pwrite64, "pwrite", {A("fd", K::kFd), _, A("size", K::kUInt), A("pos", K::kInt)}, {NoPm, NoPm}, Spec(0)},
        {SYS_readv, "readv", {A("fd", K::kFd)}, {NoPm, NoPm}, Spec(0)},
        {SYS_writev, "writev", {A("fd", K::kFd)}, {NoPm, NoPm}, Spec(0)},
        {SYS_write, "write", {A("fd", K::kFd), _, A("size", K::kUInt)}, {NoPm, NoPm}, Spec(0)},
    };
    std::sort(t.begin(), t.end(), [](const auto& a, const auto& b) { return a.nr < b.nr; });
    return t;
  }();
  return table;
}

constexpr std::string_view kStateSyscalls[] = {
    "execve", "execveat", "clone", "clone3", "fork", "vfork", "chdir", "fchdir",
    "open", "openat", "openat2", "creat", "close", "dup", "dup2", "dup3", "fcntl",
    "pipe", "pipe2", "socket", "socketpair", "connect", "accept", "accept4", "bind",
    "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setsid",
};

constexpr std::string_view kDefaultSyscalls[] = {
    "execve", "execveat", "clone", "clone3", "fork", "vfork", "chdir", "fchdir", "chroot",
    "open", "openat", "openat2", "creat", "close", "dup", "dup2", "dup3", "pipe", "pipe2",
    "unlink", "unlinkat", "rename", "renameat", "renameat2", "mkdir", "mkdirat", "rmdir",
    "symlink", "symlinkat", "link", "linkat", "chmod", "fchmod", "fchmodat", "chown", "lchown",
    "fchown", "fchownat", "memfd_create", "mount", "umount2", "setuid", "setgid", "setreuid",
    "setregid", "setresuid", "setresgid", "capset", "prctl", "ptrace", "kill", "tgkill",
    "init_module", "finit_module", "bpf", "setns", "unshare", "userfaultfd", "io_uring_setup",
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4", "sendto",
    "recvfrom", "sendmsg", "recvmsg",
};

}  // namespace

std::span<const SyscallInfo> KnownSyscalls() { return Table(); }

const SyscallInfo* FindSyscall(int nr) {
  // Called once per event: a direct index, built once.
  static const std::array<const SyscallInfo*, RP_MAX_SYSCALLS> by_nr = [] {
    std::array<const SyscallInfo*, RP_MAX_SYSCALLS> a{};
    for (const auto& s : Table())
      if (s.nr >= 0 && s.nr < RP_MAX_SYSCALLS) a[s.nr] = &s;
    return a;
  }();
  return (nr >= 0 && nr < RP_MAX_SYSCALLS) ? by_nr[nr] : nullptr;
}

const SyscallInfo* FindSyscall(std::string_view name) {
  for (const auto& s : Table())
    if (s.name == name) return &s;
  return nullptr;
}

std::span<const std::string_view> StateSyscalls() { return kStateSyscalls; }
std::span<const std::string_view> DefaultSyscalls() { return kDefaultSyscalls; }

}  // namespace riposte
