#include "seccomp/exec_supervisor.h"

#include <fcntl.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "common/atomic_file.h"
#include "common/safe_file.h"
#include "common/unique_fd.h"
#include "seccomp/seccomp_filter.h"
#include "state/proc_scanner.h"

namespace riposte {
namespace {

std::string SocketPath(const std::string& dir, pid_t pid) { return dir + "/" + std::to_string(pid) + ".sock"; }

// One byte with room for one passed descriptor: the message both ends of the
// listener hand-over use.
struct FdMessage {
  char byte = 0;
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  FdMessage() {
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
  }
  FdMessage(const FdMessage&) = delete;
  FdMessage& operator=(const FdMessage&) = delete;
};

Status SendFd(int sock, int fd) {
  FdMessage m;
  cmsghdr* c = CMSG_FIRSTHDR(&m.msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
  if (sendmsg(sock, &m.msg, 0) != 1) return Error{std::string("sendmsg: ") + strerror(errno)};
  return Status::Ok();
}

UniqueFd ReceiveFd(int sock) {
  FdMessage m;
  if (recvmsg(sock, &m.msg, MSG_CMSG_CLOEXEC) != 1) return {};
  cmsghdr* c = CMSG_FIRSTHDR(&m.msg);
  if (!c || c->cmsg_type != SCM_RIGHTS) return {};
  int fd = -1;
  std::memcpy(&fd, CMSG_DATA(c), sizeof(int));
  return UniqueFd(fd);
}

// The child: filter, hand the listener to the parent, become the command. Never returns.
[[noreturn]] void StartChild(const SupervisorOptions& o, const std::vector<std::string>& command, int sock,
                             const sigset_t& original_mask) {
  sigprocmask(SIG_SETMASK, &original_mask, nullptr);
  auto filter = SeccompFilter::FromProfile(o.profile);
  if (!filter || !filter->AddNotify(o.watch) || !filter->Load()) _exit(126);
  // Nothing to watch (the profile denies the whole set already): no listener to hand over;
  // the parent sees the socket close at exec.
  if (!o.watch.empty() && !SendFd(sock, filter->NotifyFd())) _exit(126);
  close(sock);
  std::vector<char*> argv;
  for (const auto& a : command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execvp(argv[0], argv.data());
  _exit(127);
}

struct SupervisorState {
  std::set<int> denied;  // syscall numbers now denied
  std::set<std::string> denied_names;
  DenyAction action = DenyAction::kErrno;
  std::set<std::string> watched;
};

void Answer(int notify_fd, const SupervisorState& st) {
  seccomp_notif* req = nullptr;
  seccomp_notif_resp* resp = nullptr;
  if (seccomp_notify_alloc(&req, &resp) != 0) return;
  if (seccomp_notify_receive(notify_fd, req) == 0) {
    resp->id = req->id;
    resp->val = 0;
    if (st.denied.count(req->data.nr)) {
      if (st.action == DenyAction::kKill) kill(static_cast<pid_t>(req->pid), SIGKILL);
      resp->error = -EPERM;
      resp->flags = 0;
    } else {
      resp->error = 0;
      resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    }
    (void)seccomp_notify_respond(notify_fd, resp);  // ENOENT: the caller died meanwhile
  }
  seccomp_notify_free(req, resp);
}

void Control(int listen_fd, const SupervisorOptions& o, SupervisorState& st, pid_t child) {
  UniqueFd conn(accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC));
  if (!conn.valid()) return;
  timeval tv{2, 0};
  setsockopt(conn.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string line;
  char buf[4096];
  for (ssize_t n; line.find('\n') == std::string::npos && (n = read(conn.get(), buf, sizeof buf)) > 0;) line.append(buf, n);
  auto req = nlohmann::json::parse(line, nullptr, false);
  nlohmann::json reply;
  if (req.is_discarded() || !req.contains("deny") || !req["deny"].is_array()) {
    reply = {{"error", "expected {\"deny\": [names], \"action\": errno|kill}"}};
  } else {
    std::vector<std::string> not_enforced;
    const auto already = DeniedSyscalls(o.profile);
    for (const auto& n : req["deny"]) {
      if (!n.is_string()) continue;
      const std::string name = n.get<std::string>();
      if (!st.watched.count(name)) {
        // Denied from the start needs nothing; anything else was never handed to us.
        if (std::find(already.begin(), already.end(), name) == already.end()) not_enforced.push_back(name);
        continue;
      }
      st.denied.insert(seccomp_syscall_resolve_name(name.c_str()));
      st.denied_names.insert(name);
    }
    if (req.value("action", "errno") == "kill") st.action = DenyAction::kKill;
    // The profile the command now effectively runs under, saved.
    nlohmann::json profile = TightenProfile(o.profile, {st.denied_names.begin(), st.denied_names.end()}, st.action);
    const std::string path = o.profile_dir + "/exec-" + std::to_string(child) + "-" +
                             std::to_string(std::chrono::system_clock::now().time_since_epoch().count()) + ".json";
    // The audit record names this file: a profile that could not be saved is an error,
    // never a path to nothing.
    if (Status saved = WriteFileAtomically(path, profile.dump(2) + "\n"); !saved) {
      reply = {{"error", "the syscalls are denied now, but the profile could not be saved: " + saved.error().message}};
    } else {
      reply = {{"supervised_pid", child},
               {"denied", std::vector<std::string>(st.denied_names.begin(), st.denied_names.end())},
               {"not_enforced", not_enforced},
               {"profile", path}};
    }
  }
  const std::string out = reply.dump() + "\n";
  (void)!write(conn.get(), out.data(), out.size());
}

}  // namespace

Result<int> RunSupervised(const SupervisorOptions& o, const std::vector<std::string>& command) {
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    return Error{std::string("socketpair: ") + strerror(errno)};
  UniqueFd parent_end(pair[0]), child_end(pair[1]);
  // The signals a terminal or a service manager sends go to the command, as if the
  // launcher were not there; blocked before the fork so none is lost in between.
  sigset_t forwarded, original;
  sigemptyset(&forwarded);
  for (int s : {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT}) sigaddset(&forwarded, s);
  sigprocmask(SIG_BLOCK, &forwarded, &original);
  pid_t child = fork();
  if (child < 0) {
    sigprocmask(SIG_SETMASK, &original, nullptr);
    return Error{std::string("fork: ") + strerror(errno)};
  }
  if (child == 0) {
    parent_end.reset();
    StartChild(o, command, child_end.get(), original);
  }
  UniqueFd signals(signalfd(-1, &forwarded, SFD_CLOEXEC));
  child_end.reset();
  UniqueFd notify = ReceiveFd(parent_end.get());
  UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, child, 0)));

  SupervisorState st;
  st.watched.insert(o.watch.begin(), o.watch.end());
  if (Status s = MakePrivateDirectories(o.control_dir); !s) spdlog::warn("riposte exec: {}", s.error().message);
  const std::string path = SocketPath(o.control_dir, child);
  UniqueFd listener(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  unlink(path.c_str());
  if (bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener.get(), 8) != 0)
    listener.reset();  // the command still runs under its profile; it just cannot be tightened

  int status = 0;
  for (;;) {
    pollfd fds[4] = {{pidfd.get(), POLLIN, 0},
                     {notify.get(), POLLIN, 0},
                     {listener.get(), POLLIN, 0},
                     {signals.get(), POLLIN, 0}};
    if (poll(fds, 4, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents & POLLIN) Answer(notify.get(), st);
    if (fds[2].revents & POLLIN) Control(listener.get(), o, st, child);
    if (fds[3].revents & POLLIN) {
      signalfd_siginfo si{};
      if (read(signals.get(), &si, sizeof si) == sizeof si) kill(child, static_cast<int>(si.ssi_signo));
    }
    if (fds[0].revents & POLLIN) {
      waitpid(child, &status, 0);
      break;
    }
    if (!pidfd.valid()) {  // no pidfd (old kernel): nothing more to supervise than the wait
      waitpid(child, &status, 0);
      break;
    }
  }
  unlink(path.c_str());
  sigprocmask(SIG_SETMASK, &original, nullptr);
  return status;
}

namespace {

// One request over a connected control socket, one JSON line back.
Result<SupervisedTightening> AskSupervisor(int sock, const std::string& path, const std::vector<std::string>& deny,
                                           DenyAction action) {
  timeval tv{5, 0};
  setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const std::string req = nlohmann::json{{"deny", deny}, {"action", std::string(DenyActionName(action))}}.dump() + "\n";
  if (write(sock, req.data(), req.size()) != static_cast<ssize_t>(req.size()))
    return Error{path + ": write: " + strerror(errno)};
  std::string line;
  char buf[4096];
  for (ssize_t n; line.find('\n') == std::string::npos && (n = read(sock, buf, sizeof buf)) > 0;) line.append(buf, n);
  auto reply = nlohmann::json::parse(line, nullptr, false);
  if (reply.is_discarded()) return Error{path + ": no answer from the supervisor"};
  if (reply.contains("error")) return Error{path + ": " + reply["error"].get<std::string>()};
  SupervisedTightening t;
  t.supervised_pid = reply.value("supervised_pid", 0);
  t.denied = reply.value("denied", std::vector<std::string>{});
  t.not_enforced = reply.value("not_enforced", std::vector<std::string>{});
  t.profile = reply.value("profile", "");
  return t;
}

}  // namespace

Result<SupervisedTightening> TightenSupervised(pid_t pid, pid_t parent_hint, const std::vector<std::string>& deny,
                                              DenyAction action, const std::string& control_dir) {
  // From the process up its ancestors: the first with a supervisor socket.
  for (int depth = 0; pid > 1 && depth < 64; ++depth) {
    const std::string path = SocketPath(control_dir, pid);
    if (std::filesystem::exists(path)) {
      UniqueFd sock(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
      sockaddr_un addr{};
      addr.sun_family = AF_UNIX;
      std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
      if (connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0)
        return AskSupervisor(sock.get(), path, deny, action);
      // A supervisor killed outright leaves its socket behind, and its number may since
      // belong to an unrelated process. Nobody listening: not a supervisor, walk on.
      if (errno != ECONNREFUSED) return Error{path + ": " + strerror(errno), ErrorKind::kUnavailable};
      std::error_code ignored;
      std::filesystem::remove(path, ignored);
    }
    // The parent, from /proc/PID/stat. The process may exit between open and read (the
    // read then fails with ESRCH): ReadStat returns nothing instead of throwing.
    auto stat = ProcScanner{}.ReadStat(static_cast<uint32_t>(pid));
    if (!stat) {
      // The alert's process may be gone already (a short command); its parent was known.
      if (depth == 0 && parent_hint > 1) {
        pid = parent_hint;
        continue;
      }
      break;
    }
    pid = static_cast<pid_t>(stat->ppid);
  }
  return Error{"the process was not started under `riposte exec` (a running process can only be given a seccomp "
               "filter by itself)",
               ErrorKind::kNotFound};
}

}  // namespace riposte
