#include "responders/process_kill.h"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "responders/step_params.h"
#include "state/container_id.h"

namespace riposte {
namespace {

std::string SignalName(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : std::to_string(sig);
}

// Raw syscalls: Debian 12's <sys/pidfd.h> declares them without C linkage for C++.
int PidfdOpen(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }
int PidfdSendSignal(int pidfd, int sig) { return static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0)); }

// An open pidfd, closed on scope exit.
class PidFd {
 public:
  explicit PidFd(uint32_t pid) : fd_(PidfdOpen(static_cast<pid_t>(pid))) {}
  ~PidFd() {
    if (fd_ >= 0) close(fd_);
  }
  PidFd(const PidFd&) = delete;
  PidFd& operator=(const PidFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

struct Params {
  std::string target = "process";
  int signal = SIGKILL;
  int wait_ms = 100;
};

Params ReadParams(const nlohmann::json& p) {
  Params out;
  if (auto it = p.find("target"); it != p.end()) out.target = it->get<std::string>();
  if (auto it = p.find("signal"); it != p.end()) out.signal = *ParseSignal(*it);
  if (auto it = p.find("wait_ms"); it != p.end()) out.wait_ms = it->get<int>();
  return out;
}

}  // namespace

std::optional<int> ParseSignal(const nlohmann::json& value) {
  if (value.is_number_integer()) {
    int n = value.get<int>();
    if (n >= 1 && n < NSIG) return n;
    return std::nullopt;
  }
  if (!value.is_string()) return std::nullopt;
  std::string s = value.get<std::string>();
  for (auto& c : s) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  if (s.starts_with("SIG")) s = s.substr(3);
  for (int i = 1; i < NSIG; ++i) {
    const char* abbrev = sigabbrev_np(i);
    if (abbrev && s == abbrev) return i;
  }
  return std::nullopt;
}

ProcessKillResponder::ProcessKillResponder(std::vector<std::string> containerd_namespaces)
    : containerd_namespaces_(std::move(containerd_namespaces)) {}

Status ProcessKillResponder::ValidateParams(const nlohmann::json& params) const {
  for (const auto& [key, value] : params.items()) {
    if (key == "target") {
      if (!value.is_string() || (value != "process" && value != "process_group" && value != "container"))
        return Error{"target must be process, process_group or container"};
    } else if (key == "signal") {
      if (!ParseSignal(value)) return Error{"signal must be a signal name (SIGKILL, TERM) or number, not " + value.dump()};
    } else if (key == "wait_ms") {
      if (!value.is_number_integer() || value.get<int>() < 0 || value.get<int>() > 10000)
        return Error{"wait_ms must be a whole number of milliseconds, 0..10000"};
    }
  }
  return Status::Ok();
}

Status ProcessKillResponder::ValidateInKernel(const nlohmann::json& params) const {
  if (auto it = params.find("target"); it != params.end() && *it != "process")
    return Error{"the kernel kills the calling process: params.target must be process"};
  if (auto it = params.find("signal"); it != params.end() && ParseSignal(*it) != SIGKILL)
    return Error{"the kernel sends SIGKILL: params.signal must be SIGKILL"};
  return Status::Ok();
}

ActionResult ProcessKillResponder::Run(const ActionRequest& req) {
  const Params params = ReadParams(req.params);
  if (params.target == "process") return RunOnProcess(req, params.signal, params.wait_ms);
  const AlertTarget& t = req.alert.target;
  std::vector<ProcessInfo> members;
  if (params.target == "container") {
    if (!t.in_container()) return {Outcome::kFailed, "the alert's process is not in a container", {}};
    for (uint32_t pid : scanner_.ListPids()) {
      auto p = scanner_.ReadProcess(pid, false);
      if (!p) continue;
      auto ref = ContainerFromCgroup(p->cgroup, containerd_namespaces_);
      if (ref && ref->id == t.container_id) members.push_back(std::move(*p));
    }
    if (members.empty()) return {Outcome::kTargetGone, "no process of container " + t.container_id + " is left", {}};
    return RunOnMany(req, members, params.signal, "container " + t.container_id);
  }
  // process_group: the group of the alert's process, which must still be that process.
  auto leader = scanner_.ReadStat(t.pid);
  if (!leader || (t.start_boottime_ns && !scanner_.SameStart(*leader, t.start_boottime_ns)))
    return {Outcome::kTargetGone, "process " + std::to_string(t.pid) + " is gone", {}};
  for (uint32_t pid : scanner_.ListPids()) {
    auto p = scanner_.ReadStat(pid);
    if (p && p->pgid == leader->pgid) members.push_back(std::move(*p));
  }
  return RunOnMany(req, members, params.signal, "process group " + std::to_string(leader->pgid));
}

ActionResult ProcessKillResponder::RunOnProcess(const ActionRequest& req, int signal, int wait_ms) {
  const AlertTarget& t = req.alert.target;
  ActionResult r;
  r.details["signal"] = SignalName(signal);
  if (req.alert.kernel_kill && signal == SIGKILL) {
    // The capture program already sent SIGKILL in the syscall's own context.
    r.outcome = Outcome::kDone;
    r.details["path"] = "in-kernel";
    r.details["selector"] = req.alert.kernel_kill - 1;
    r.details["pids"] = {t.pid};
    return r;
  }
  r.details["path"] = "pidfd";
  if (t.pid == 0) return {Outcome::kFailed, "the alert names no process (no proc.pid)", r.details};
  PidFd pidfd(t.pid);
  if (pidfd.get() < 0) {
    if (errno == ESRCH) return {Outcome::kTargetGone, "process " + std::to_string(t.pid) + " has exited", r.details};
    return {Outcome::kFailed, std::string("pidfd_open: ") + strerror(errno), r.details};
  }
  // Identity: the pidfd was opened first, so a process that passes this check is the one
  // the pidfd holds (the alert's process existed before any reuse of its pid).
  auto now = scanner_.ReadStat(t.pid);
  if (!now) return {Outcome::kTargetGone, "process " + std::to_string(t.pid) + " has exited", r.details};
  if (t.start_boottime_ns) {
    if (!scanner_.SameStart(*now, t.start_boottime_ns))
      return {Outcome::kTargetGone,
              "pid " + std::to_string(t.pid) + " is now another process (" + now->comm + "): the alert's has exited",
              r.details};
    r.details["verified_by"] = "start_time";
  } else {
    // An alert from Falco carries no start time: the name must match and the process must
    // have started before the alert. Without the alert's time there is nothing to check
    // the process against: a pid alone may name any process.
    if (!req.alert.time_ns)
      return {Outcome::kFailed, "the alert has neither the process's start time nor its own time: pid " +
                                    std::to_string(t.pid) + " cannot be verified", r.details};
    if (!t.process_name.empty() && now->comm != t.process_name)
      return {Outcome::kTargetGone, "pid " + std::to_string(t.pid) + " is now '" + now->comm + "', not '" +
                                        t.process_name + "'", r.details};
    const int64_t started_wall = BootEpochNs() + static_cast<int64_t>(now->start_boottime_ns);
    if (req.alert.time_ns && started_wall > req.alert.time_ns + 20'000'000)
      return {Outcome::kTargetGone, "pid " + std::to_string(t.pid) + " started after the alert: another process", r.details};
    r.details["verified_by"] = "name_and_start_before_alert";
  }
  if (auto why = req.protection.ProcessProtected(*now)) return {Outcome::kSkippedProtected, *why, r.details};
  r.details["pids"] = {t.pid};
  if (req.dry_run) {
    r.outcome = Outcome::kWouldHave;
    return r;
  }
  if (PidfdSendSignal(pidfd.get(), signal) != 0) {
    if (errno == ESRCH) return {Outcome::kTargetGone, "process " + std::to_string(t.pid) + " exited first", r.details};
    return {Outcome::kFailed, std::string("pidfd_send_signal: ") + strerror(errno), r.details};
  }
  if (signal == SIGKILL && wait_ms > 0) {
    pollfd p{pidfd.get(), POLLIN, 0};
    r.details["exited"] = poll(&p, 1, wait_ms) == 1;
  }
  r.outcome = Outcome::kDone;
  return r;
}

ActionResult ProcessKillResponder::RunOnMany(const ActionRequest& req, const std::vector<ProcessInfo>& members,
                                             int signal, const std::string& what) {
  ActionResult r;
  r.details["signal"] = SignalName(signal);
  r.details["scope"] = what;
  nlohmann::ordered_json hit = nlohmann::ordered_json::array(), spared = nlohmann::ordered_json::array();
  std::string failures;
  for (const auto& m : members) {
    if (auto why = req.protection.ProcessProtected(m)) {
      spared.push_back({{"pid", m.pid}, {"reason", *why}});
      continue;
    }
    PidFd pidfd(m.pid);
    if (pidfd.get() < 0 || !scanner_.IsAlive(m)) continue;  // gone meanwhile
    if (!req.dry_run && PidfdSendSignal(pidfd.get(), signal) != 0) {
      if (errno != ESRCH) failures += (failures.empty() ? "" : "; ") + std::to_string(m.pid) + ": " + strerror(errno);
      continue;
    }
    hit.push_back(m.pid);
  }
  r.details["pids"] = hit;
  if (!spared.empty()) r.details["protected"] = spared;
  if (!failures.empty()) {
    r.outcome = Outcome::kFailed;
    r.error = failures;
  } else if (hit.empty()) {
    r.outcome = spared.empty() ? Outcome::kTargetGone : Outcome::kSkippedProtected;
    r.error = spared.empty() ? what + ": no process left" : what + ": every process is protected";
  } else {
    r.outcome = req.dry_run ? Outcome::kWouldHave : Outcome::kDone;
  }
  return r;
}

}  // namespace riposte
