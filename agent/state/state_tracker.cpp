#include "state/state_tracker.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/limits.h>

#include <cerrno>
#include <cstring>

#include <netinet/in.h>

#include "decode/capset_args.h"
#include "decode/flag_names.h"
#include "decode/open_args.h"
#include "decode/socket_format.h"
#include "kernel/syscall_table.h"
#include "state/container_id.h"
#include "state/path_resolution.h"
#include "state/socket_parsing.h"

namespace riposte {
namespace {

constexpr int64_t kAtFdCwd = AT_FDCWD;

FdType SocketFdType(uint64_t domain) {
  switch (domain) {
    case AF_INET: return FdType::kIpv4;
    case AF_INET6: return FdType::kIpv6;
    case AF_UNIX: return FdType::kUnix;
    case AF_NETLINK: return FdType::kNetlink;
    default: return FdType::kUnknown;
  }
}

// Falco's events that use an fd (EF_USES_FD in libs' event table): which syscall argument
// the event takes as its fd (libscap's get_exit_event_fd_location, counted in syscall
// arguments rather than exit parameters); -1 for an event that uses none. An event that
// only creates one (open, socket, accept, pipe, memfd_create ...) has its fd only once it
// succeeds. The fd fields show the number even when the table has no such fd (AT_FDCWD's
// -100 for fchmodat).
int FalcoEventFdArg(int nr) {
  switch (nr) {
    case SYS_symlinkat: return 1;  // its link's directory
    case SYS_close: case SYS_read: case SYS_write: case SYS_pread64: case SYS_pwrite64: case SYS_readv:
    case SYS_writev: case SYS_bind: case SYS_connect: case SYS_listen: case SYS_sendto: case SYS_recvfrom:
    case SYS_sendmsg: case SYS_recvmsg: case SYS_fchdir: case SYS_fcntl: case SYS_setns: case SYS_unlinkat:
    case SYS_mkdirat: case SYS_fchmodat: case SYS_fchmod: case SYS_fchown: case SYS_fchownat:
    case SYS_dup: case SYS_dup2: case SYS_dup3: case SYS_finit_module:
      return 0;
  }
  return -1;
}

// The kinds of fd a successful call creates with no name (Falco's single-fd parsers).
std::optional<FdType> NamelessFdCreated(int nr) {
  switch (nr) {
    case SYS_userfaultfd: return FdType::kUserfaultfd;
    case SYS_io_uring_setup: return FdType::kIoUring;
    // Whatever the command: Falco's parser takes any bpf() result >= 0 as a new bpf fd
    // (BPF_PROG_TEST_RUN's 0 included). Kept: rules were written against it.
    case SYS_bpf: return FdType::kBpf;
  }
  return std::nullopt;
}

// The calls after which Falco counts an IP socket as connected (its read and write parsers).
bool IsReadOrWrite(int nr) {
  switch (nr) {
    case SYS_read: case SYS_write: case SYS_pread64: case SYS_pwrite64: case SYS_readv: case SYS_writev:
    case SYS_preadv: case SYS_pwritev: case SYS_preadv2: case SYS_pwritev2: case SYS_sendto: case SYS_recvfrom:
    case SYS_sendmsg: case SYS_recvmsg: case SYS_sendmmsg: case SYS_recvmmsg:
      return true;
  }
  return false;
}

}  // namespace

StateTracker::StateTracker(StateConfig config, const ProcScanner* live_proc, ContainerCatalog* containers)
    : config_(std::move(config)), live_proc_(live_proc), containers_(containers), table_(config_.max_processes) {}

void StateTracker::AssignContainer(ProcessInfo& p) {
  auto ref = ContainerFromCgroup(p.cgroup, config_.containerd_namespaces);
  p.container_id = ref ? ref->id : std::string();
  if (p.container_id.empty() || !containers_) {
    p.container.reset();
  } else if (!p.container || p.container->id() != p.container_id) {
    p.container = containers_->EntryFor(p.container_id, ref->runtime);
  }
}

void StateTracker::Seed(ProcessInfo info) {
  AssignContainer(info);
  table_.Put(std::move(info));
}

ProcessInfo* StateTracker::ProcessFor(uint32_t pid) {
  if (ProcessInfo* p = table_.Find(pid)) return p;
  if (live_proc_) {
    if (auto info = live_proc_->ReadProcess(pid)) {
      ++counters_.processes_seeded_lazily;
      AssignContainer(*info);
      return table_.Put(std::move(*info));
    }
  }
  ++counters_.processes_unknown;
  return nullptr;
}

void StateTracker::Apply(Event& e) {
  exited_.reset();
  // A thread that exited counted until its exit event was seen, as Falco's thread table
  // keeps it until then.
  if (thread_exited_pid_) {
    if (ProcessInfo* p = table_.Find(thread_exited_pid_); p && p->threads > 1) --p->threads;
    thread_exited_pid_ = 0;
  }
  switch (e.kind) {
    case EventKind::kProcessExec: ApplyExec(e); return;
    case EventKind::kProcessFork: ApplyFork(e); return;
    case EventKind::kProcessExit: ApplyExit(e); return;
    case EventKind::kSyscall: break;
  }
  ProcessInfo* p = ProcessFor(e.pid);
  if (!p) return;
  ApplySyscall(e, *p);
  e.process = p;
}

namespace {
ProcessInfo::Figures FiguresOf(const rp_task_figures& f) {
  return {f.fdlimit, f.pgft_maj, f.pgft_min, f.vm_size, f.vm_rss, f.vm_swap};
}
}  // namespace

void StateTracker::ApplyExec(Event& e) {
  const rp_exec_record& r = *e.exec;
  ProcessInfo* existing = table_.Find(e.pid);
  ProcessInfo p;
  if (existing) {
    // exec keeps the cwd and the fds not marked close-on-exec.
    p.cwd = existing->cwd;
    p.pidns_init_start_ns = existing->pidns_init_start_ns;  // exec keeps the pid namespace
    p.fds = std::move(existing->fds);
    std::vector<int64_t> cloexec;
    for (const auto& [fd, info] : p.fds.entries())
      if (info.open_flags & O_CLOEXEC) cloexec.push_back(fd);
    for (int64_t fd : cloexec) p.fds.Close(fd);
  } else if (live_proc_) {
    if (auto fresh = live_proc_->ReadProcess(e.pid)) {
      p.cwd = fresh->cwd;
      p.fds = std::move(fresh->fds);
    }
  }
  p.pid = e.pid;
  p.ppid = r.ppid;
  p.vpid = r.vpid;
  p.sid = r.sid;
  p.pgid = r.pgid;
  p.tty = r.tty;
  p.uid = r.uid;
  p.gid = r.gid;
  p.euid = r.euid;
  p.egid = r.egid;
  p.loginuid = r.loginuid;
  p.start_boottime_ns = r.start_boottime_ns;
  p.figures = FiguresOf(r.figures);
  p.cap_effective = r.cap_effective;
  p.cap_permitted = r.cap_permitted;
  p.cap_inheritable = r.cap_inheritable;
  p.comm.assign(r.comm, strnlen(r.comm, RP_COMM_LEN));
  p.fork_comm.clear();
  auto argv = SplitNulSeparated(e.argv);
  if (!argv.empty()) {
    p.exe = argv.front();
    p.args.assign(argv.begin() + 1, argv.end());
  }
  p.args_truncated = r.flags & RP_TRUNC_ARGS;
  p.env = SplitNulSeparated(e.env);
  p.env_truncated = r.flags & RP_TRUNC_ENV;
  p.exepath = ResolvePath(p.cwd, e.exe);
  p.exec_filename = std::string(e.exec_filename);
  p.exe_ino = r.exe_ino;
  p.exe_ctime_ns = r.exe_ctime_ns;
  p.exe_mtime_ns = r.exe_mtime_ns;
  p.exe_from_memfd = r.exe_flags & RP_EXE_FROM_MEMFD;
  p.exe_upper_layer = r.exe_flags & RP_EXE_UPPER_LAYER;
  p.exe_lower_layer = r.exe_flags & RP_EXE_LOWER_LAYER;
  p.exe_writable = r.exe_flags & RP_EXE_WRITABLE;
  p.cgroup = std::string(e.cgroup);
  p.controller_cgroups = ControllerCgroupsFromRecord(e.controller_cgroups);
  AssignContainer(p);
  p.pidns_inum = r.pidns_inum;
  p.mntns_inum = r.mntns_inum;
  e.process = table_.Put(std::move(p));
}


void StateTracker::ApplyFork(Event& e) {
  ProcessInfo* parent = ProcessFor(e.pid);
  if (parent) {
    parent->figures = FiguresOf(e.parent_figures);
    if (!e.child_comm.empty()) parent->fork_comm.assign(e.child_comm);
  }
  if (e.child_pid == e.pid) {  // a new thread: same process, same pid namespace
    if (parent) {
      parent->pidns_init_start_ns = e.child_pidns_init_start_ns;
      ++parent->threads;
    }
    return;
  }
  ProcessInfo child;
  if (parent) {
    child = *parent;  // fork copies the fd table, cwd, credentials and image
    child.figures->pgft_maj = child.figures->pgft_min = 0;  // a new task's own count starts at 0
  }
  // Named as the kernel named it: a parent renamed with prctl(PR_SET_NAME) passes the new
  // name on (Falco's parser gives the new thread the clone's comm).
  if (!e.child_comm.empty() && e.child_comm != child.comm) {
    child.comm.assign(e.child_comm);
    child.RefreshText();
  }
  child.fork_comm.clear();
  child.pid = e.child_pid;
  child.ppid = e.pid;
  child.vpid = e.child_vpid;
  child.start_boottime_ns = e.child_start_boottime_ns;
  child.pidns_init_start_ns = e.child_pidns_init_start_ns;
  child.from_proc_scan = false;
  child.threads = 1;
  e.process = table_.Put(std::move(child));
}

void StateTracker::ApplyExit(Event& e) {
  if (!e.group_dead) {  // one thread of a process that lives on
    e.process = table_.Find(e.pid);
    if (e.process) thread_exited_pid_ = e.pid;
    return;
  }
  exited_ = table_.Remove(e.pid);
  e.process = exited_ ? &*exited_ : nullptr;
}

void StateTracker::ResolveParams(Event& e, const ProcessInfo& p) {
  for (int i = 0; i < 2; ++i) {
    const ParamInfo& pi = e.syscall->params[i];
    if (pi.kind != ParamKind::kPath || e.params[i].empty()) continue;
    std::string_view base = p.cwd;
    if (pi.dirfd_arg >= 0) {
      int64_t dirfd = static_cast<int32_t>(e.args[pi.dirfd_arg]);
      if (dirfd != kAtFdCwd) {
        const FdInfo* d = p.fds.Find(dirfd);
        base = d ? std::string_view(d->name) : std::string_view();
      }
    }
    e.resolved_path[i] = ResolvePath(base, e.params[i]);
  }
}

void StateTracker::TrackNewSocket(Event& e, ProcessInfo& p) {
  FdInfo info;
  info.type = SocketFdType(e.args[0]);
  info.tuple.family = static_cast<uint16_t>(e.args[0]);
  info.tuple.type = static_cast<uint16_t>(e.args[1] & 0xf);
  info.tuple.protocol = static_cast<uint16_t>(e.args[2]);
  if (info.tuple.protocol == 0 && (info.type == FdType::kIpv4 || info.type == FdType::kIpv6))
    info.tuple.protocol = info.tuple.type == SOCK_STREAM ? IPPROTO_TCP
                          : info.tuple.type == SOCK_DGRAM ? IPPROTO_UDP : 0;
  ParseSocketCreated(info, e.args[0], e.args[1], e.args[2]);
  info.seen_open = true;
  p.fds.Set(e.ret, std::move(info));
}

void StateTracker::ApplySyscall(Event& e, ProcessInfo& p) {
  ResolveParams(e, p);
  if (const int fd_arg = FalcoEventFdArg(e.syscall->nr); fd_arg >= 0) {
    e.fd_num = static_cast<int32_t>(e.args[fd_arg]);
    e.fd = p.fds.Find(e.fd_num);
    // An fd the table does not hold (its open left out by the kernel record filter, or
    // lost to a full ring buffer): described from /proc while the process still has it.
    // Not for close (gone by its exit) nor a call the kernel refused for a bad fd.
    if (!e.fd && e.fd_num >= 0 && live_proc_ && e.syscall->nr != SYS_close && e.ret != -EBADF) {
      if (auto info = live_proc_->ReadFd(e.pid, e.fd_num)) {
        p.fds.Set(e.fd_num, std::move(*info));
        e.fd = p.fds.Find(e.fd_num);
      }
    }
  }
  if (e.ret < 0 && IsOpenEvent(e)) {
    // Reused, not rebuilt: its strings keep their capacity from one failed open to the next.
    failed_open_fd_.type = FdType::kUnknown;
    failed_open_fd_.open_flags = 0;
    failed_open_fd_.failed_open = true;
    // Falco names a failed open by the path as given when it is absolute, not normalised
    // ("/tmp/w/../../etc/x"), and resolves a relative one against its base.
    if (e.params[0].starts_with('/')) failed_open_fd_.name.assign(e.params[0]);
    else failed_open_fd_.name.assign(e.resolved_path[0]);
    // Its raw name: openat's and openat2's path as passed; open's and creat's the same as
    // the name (libsinsp reads both from the one resolved parameter).
    const bool path_only = e.syscall->nr == SYS_open || e.syscall->nr == SYS_creat;
    failed_open_fd_.name_raw_is_name = path_only || failed_open_fd_.name == e.params[0];
    if (!failed_open_fd_.name_raw_is_name) failed_open_fd_.name_raw.assign(e.params[0]);
    e.fd = &failed_open_fd_;
    e.fd_num = -1;
    return;
  }
  if (e.ret < 0 && e.syscall->nr == SYS_memfd_create) {
    // Falco's parser adds the failed call's result (-22) as an fd of no type: the event
    // has an fd whose type is "<NA>" and whose number is the error. Shown, not kept.
    failed_memfd_fd_ = FdInfo{};
    failed_memfd_fd_.type = FdType::kUninitialized;
    e.fd = &failed_memfd_fd_;
    e.fd_num = e.ret;
    return;
  }
  // A failed syscall changes no state, except a connect still in progress.
  if (e.ret < 0 && !(e.syscall->nr == SYS_connect && e.ret == -EINPROGRESS)) return;
  if (std::optional<FdType> type = NamelessFdCreated(e.syscall->nr)) {
    FdInfo info;
    info.type = *type;
    info.seen_open = true;
    p.fds.Set(e.ret, std::move(info));
    e.fd_num = e.ret;
    e.fd = p.fds.Find(e.ret);
    return;
  }
  // An IP socket that reads or writes is connected, as far as Falco's fd.connected goes.
  // (Falco tests this before the event updates the fd: a bound server socket's first
  // receive does not connect it.)
  if (e.fd && (e.fd->type == FdType::kIpv4 || e.fd->type == FdType::kIpv6) && !e.fd->sock.bound_server &&
      !e.fd->connected && IsReadOrWrite(e.syscall->nr))
    if (FdInfo* f = p.fds.FindMutable(e.fd_num)) f->connected = true;

  auto set_uid_gid = [&] {
    p.uid = e.uid;
    p.gid = e.gid;
  };
  switch (e.syscall->nr) {
    case SYS_open: case SYS_openat: case SYS_openat2: case SYS_creat: {
      FdInfo info;
      const uint64_t flags = OpenFlagsOf(e);
      info.open_flags = static_cast<uint32_t>(flags);
      const OpenedFile file = OpenedFileOf(e);
      info.dev = file.dev;
      info.ino = file.ino;
      const uint64_t reported = OpenReportedFlags(e);
      info.upper_layer = reported & kOpenUpperLayer;
      info.lower_layer = reported & kOpenLowerLayer;
      info.type = (flags & O_DIRECTORY) ? FdType::kDirectory : FdType::kFile;
      info.name = e.resolved_path[0];
      info.name_raw_is_name = info.name == e.params[0];
      if (!info.name_raw_is_name) info.name_raw = std::string(e.params[0]);
      info.seen_open = true;
      e.fd_name_changed = !info.name.empty();  // a new fd: named now
      p.fds.Set(e.ret, std::move(info));
      e.fd_num = e.ret;
      e.fd = p.fds.Find(e.ret);
      return;
    }
    case SYS_memfd_create: {
      FdInfo info;
      info.type = FdType::kMemfd;
      info.name = std::string(e.params[0]);  // Falco: the memfd's name, nameraw empty
      info.seen_open = true;
      e.fd_name_changed = !info.name.empty();
      p.fds.Set(e.ret, std::move(info));
      e.fd_num = e.ret;
      e.fd = p.fds.Find(e.ret);
      return;
    }
    case SYS_close:
      if (e.fd) {
        closed_fd_ = *e.fd;
        e.fd = &closed_fd_;
      }
      p.fds.Close(static_cast<int32_t>(e.args[0]));
      return;
    // The dup family: the event's fd becomes the new one, as Falco's parser leaves it
    // (its number and what it describes), when the old one was known.
    case SYS_dup: case SYS_dup2: case SYS_dup3: case SYS_fcntl: {
      const int nr = e.syscall->nr;
      // fcntl: only F_DUPFD and F_DUPFD_CLOEXEC reach here (the kernel drops the rest).
      if (nr == SYS_fcntl && e.args[1] != F_DUPFD && e.args[1] != F_DUPFD_CLOEXEC) return;
      const bool cloexec = (nr == SYS_dup3 && (e.args[2] & O_CLOEXEC)) || (nr == SYS_fcntl && e.args[1] == F_DUPFD_CLOEXEC);
      const bool known = e.fd != nullptr;
      p.fds.Duplicate(static_cast<int32_t>(e.args[0]), e.ret, cloexec);
      if (known) {
        e.fd_num = e.ret;
        e.fd = p.fds.Find(e.ret);
      }
      return;
    }
    case SYS_pipe: case SYS_pipe2: case SYS_socketpair: {
      if (e.ret < 0 || e.params[0].size() < 8) return;
      int32_t fds[2];
      std::memcpy(fds, e.params[0].data(), 8);
      const bool pipe = e.syscall->nr != SYS_socketpair;
      for (int32_t fd : fds) {
        FdInfo info;
        info.type = pipe ? FdType::kPipe : FdType::kUnix;
        if (pipe && (e.flags & RP_SYSCALL_HAS_FILE)) info.ino = e.file.ino;  // both ends: one inode
        info.seen_open = true;
        p.fds.Set(fd, std::move(info));
      }
      // The event's fd, as Falco's parser leaves it: the number is the second fd (the last
      // one added); what it describes is the second fd for a pipe, the first for a
      // socketpair (the two are alike).
      e.fd_num = fds[1];
      e.fd = p.fds.Find(pipe ? fds[1] : fds[0]);
      return;
    }
    case SYS_socket:
      TrackNewSocket(e, p);
      e.fd_num = e.ret;
      e.fd = p.fds.Find(e.ret);
      return;
    case SYS_accept: case SYS_accept4: case SYS_connect: case SYS_bind: case SYS_listen: {
      const int nr = e.syscall->nr;
      const bool accepted = nr == SYS_accept || nr == SYS_accept4;
      int64_t fd = accepted ? e.ret : static_cast<int32_t>(e.args[0]);
      const FdInfo* known = accepted ? nullptr : p.fds.Find(fd);  // an accepted fd is new
      FdInfo info = known ? *known : FdInfo{};
      const std::string old_name = info.name;
      // The kernel's view of the socket, kept beside Falco's (riposte's capture output).
      if (e.flags & RP_SYSCALL_HAS_TUPLE) {
        info.tuple = e.tuple;
        if (!known) {  // a socket whose creation was not seen: what the kernel says it is
          info.type = SocketFdType(e.tuple.family);
          ParseSocketCreated(info, e.tuple.family, e.tuple.type, e.tuple.protocol);
        }
      }
      const SockAddr asked = ParseSockaddr(e.params[0]);
      const bool unix_socket = info.type == FdType::kUnix || e.tuple.family == AF_UNIX;
      if (unix_socket) {
        info.type = FdType::kUnix;
        if (asked.family == AF_UNIX && nr != SYS_listen) info.name = asked.unix_path;
        if (accepted) info.sock.role = FalcoSocket::Role::kServer;
        else if (nr == SYS_connect && info.sock.role == FalcoSocket::Role::kNone) info.sock.role = FalcoSocket::Role::kClient;
      } else if (accepted) {
        ParseAccept(info, e, config_.interfaces);
      } else if (nr == SYS_connect) {
        if (known || (e.flags & RP_SYSCALL_HAS_TUPLE)) ParseConnect(info, e, config_.interfaces);
      } else if (nr == SYS_bind && known && !(e.flags & RP_SYSCALL_NO_ENTER)) {
        ParseBind(info, asked);
      }  // listen: Falco's parser leaves the fd as it is
      if (accepted || nr == SYS_connect) info.connected = true;  // any socket, as Falco's
      e.fd_name_changed = info.name != old_name;
      info.seen_open = true;
      p.fds.Set(fd, std::move(info));
      e.fd_num = fd;
      e.fd = p.fds.Find(fd);
      return;
    }
    case SYS_sendto: case SYS_sendmsg: case SYS_recvfrom: case SYS_recvmsg: {
      FdInfo* f = p.fds.FindMutable(e.fd_num);
      if (!f || (f->type != FdType::kIpv4 && f->type != FdType::kIpv6)) return;
      if (e.flags & RP_SYSCALL_HAS_TUPLE) f->tuple = e.tuple;
      const bool inbound = e.syscall->nr == SYS_recvfrom || e.syscall->nr == SYS_recvmsg;
      e.fd_name_changed = ParseTransfer(*f, e, inbound, p.fds, config_.interfaces);
      e.fd = f;
      return;
    }
    case SYS_chdir:
      p.cwd = e.resolved_path[0];
      return;
    case SYS_fchdir:
      if (e.fd) p.cwd = e.fd->name;
      return;
    case SYS_capset:
      // The sets it asked for are the caller's now (Falco's probe reads them back at exit).
      if (auto caps = CapsetRequestOf(e)) {
        p.cap_effective = caps->effective;
        p.cap_permitted = caps->permitted;
        p.cap_inheritable = caps->inheritable;
      }
      return;
    case SYS_setsid:
      // The caller leads a new session. Its process group changes too, but Falco's state
      // (libsinsp's setsid parser) takes only the session; proc.vpgid follows at the next
      // exec. riposte keeps Falco's view: rules were written against it.
      p.sid = p.pid;
      return;
    case SYS_setuid: case SYS_setreuid: case SYS_setresuid:
    case SYS_setgid: case SYS_setregid: case SYS_setresgid: {
      e.prev_uid = p.uid;
      set_uid_gid();
      // The effective id becomes the call's effective argument, as Falco's thread state
      // does (libsinsp's set*id exit parsers): even -1 from setresuid(-1, -1, -1), which
      // Falco then shows as uid 4294967295. Users' rules were written against that.
      auto arg_id = [&](int i) { return static_cast<uint32_t>(e.args[i]); };
      switch (e.syscall->nr) {
        case SYS_setuid: p.euid = arg_id(0); break;
        case SYS_setreuid: case SYS_setresuid: p.euid = arg_id(1); break;
        case SYS_setgid: p.egid = arg_id(0); break;
        case SYS_setregid: case SYS_setresgid: p.egid = arg_id(1); break;
      }
      return;
    }
    default:
      return;
  }
}

}  // namespace riposte
