#include "responders/seccomp_tighten.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "audit/sha256.h"
#include "common/atomic_file.h"
#include "common/wall_time.h"
#include "containers/container_description.h"
#include "seccomp/exec_supervisor.h"
#include "seccomp/seccomp_filter.h"

namespace riposte {
namespace {

struct TightenParams {
  std::vector<std::string> deny;
  bool restricted = false;
  bool from_alert = false;
  DenyAction action = DenyAction::kErrno;
  bool restart = false;
};

Result<TightenParams> ParseParams(const nlohmann::json& params) {
  TightenParams t;
  if (params.is_null()) return t;
  if (!params.is_object()) return Error{"seccomp.tighten params must be a map"};
  for (const auto& [key, v] : params.items()) {
    if (key == "deny") {
      if (!v.is_array()) return Error{"deny must be a list of syscall names"};
      for (const auto& n : v) {
        if (!n.is_string()) return Error{"deny: " + n.dump() + " is not a syscall name"};
        t.deny.push_back(n.get<std::string>());
      }
      if (Status s = CheckSyscallNames(t.deny); !s) return Error{"deny: " + s.error().message};
    } else if (key == "profile") {
      if (v != "restricted") return Error{"profile must be 'restricted' (the baseline); list more in deny"};
      t.restricted = true;
    } else if (key == "from_alert") {
      if (!v.is_boolean()) return Error{"from_alert must be true or false"};
      t.from_alert = v.get<bool>();
    } else if (key == "action") {
      if (v != "errno" && v != "kill") return Error{"action must be errno (fail with EPERM) or kill"};
      t.action = v == "kill" ? DenyAction::kKill : DenyAction::kErrno;
    } else if (key == "restart") {
      if (!v.is_boolean()) return Error{"restart must be true or false"};
      t.restart = v.get<bool>();
    }
  }
  if (t.deny.empty() && !t.restricted && !t.from_alert)
    return Error{"seccomp.tighten needs something to deny: deny, profile: restricted, or from_alert: true"};
  return t;
}

// The syscall names to deny for this alert.
std::vector<std::string> DenyList(const TightenParams& t, const AlertFacts* alert) {
  std::set<std::string> names(t.deny.begin(), t.deny.end());
  if (t.restricted) names.insert(RestrictedSyscalls().begin(), RestrictedSyscalls().end());
  if (t.from_alert && alert) {
    if (auto type = alert->Field("evt.type"); type && CheckSyscallNames({*type}).ok()) names.insert(*type);
  }
  return {names.begin(), names.end()};
}

}  // namespace

SeccompTightenContainer::SeccompTightenContainer(ContainerDirectory& directory, std::string profile_dir)
    : ContainerResponder(directory), profile_dir_(std::move(profile_dir)) {}

Status SeccompTightenContainer::ValidateParams(const nlohmann::json& params) const {
  auto p = ParseParams(params);
  return p ? Status::Ok() : Status(p.error());
}

std::string SeccompTightenContainer::Plan(const nlohmann::json& params) const {
  auto p = ParseParams(params);
  if (!p) return "nothing (invalid parameters)";
  std::string names;
  for (const auto& n : DenyList(*p, nullptr)) names += (names.empty() ? "" : ",") + n;
  if (p->from_alert) names += names.empty() ? "the alert's syscall" : " and the alert's syscall";
  return "deny " + names + " (" + std::string(DenyActionName(p->action)) + ") in the container's seccomp profile" +
         (p->restart ? " and restart its task" : "");
}

void SeccompTightenContainer::Act(const Target& t, const nlohmann::json& params, ActionResult& r) {
  auto p = ParseParams(params);
  if (!p) {
    r.outcome = Outcome::kFailed;
    r.error = p.error().message;
    return;
  }
  auto& containerd = directory_.containerd();
  const ContainerInfo& c = t.info;
  // The spec and the task it rewrites are containerd's: under dockerd or podman the engine
  // owns them (and would undo or trip over a change made beneath it).
  if (c.engine != "containerd" || c.cri_described) {
    r.outcome = Outcome::kFailed;
    r.error = "seccomp.tighten rewrites the container's spec in containerd, and " +
              (c.cri_described ? "this container is known only through CRI (" + c.engine + "); stop it instead"
                               : c.engine + " manages this container; stop or pause it instead");
    return;
  }
  auto record = containerd.GetContainer(c.runtime_namespace, c.id);
  if (!record) {
    r.outcome = record.error().kind == ErrorKind::kNotFound ? Outcome::kTargetGone : Outcome::kFailed;
    r.error = record.error().message;
    return;
  }
  const nlohmann::json current = SpecSeccompProfile(record->spec);
  const std::vector<std::string> deny = DenyList(*p, t.alert);
  nlohmann::json profile = TightenProfile(current, deny, p->action);
  auto filter = SeccompFilter::FromProfile(profile);
  if (!filter) {
    r.outcome = Outcome::kFailed;
    r.error = "the tightened profile does not build: " + filter.error().message;
    return;
  }
  auto pfc = filter->ExportPfc();

  // Saved before anything changes, and named in the audit record.
  const int64_t now = WallNowNs();
  const std::string base = profile_dir_ + "/" + c.id.substr(0, 12) + "-" + std::to_string(now);
  const std::string text = profile.dump(2) + "\n";
  if (Status s = WriteFileAtomically(base + ".json", text); !s) {
    r.outcome = Outcome::kFailed;
    r.error = "cannot save the profile, so nothing was changed: " + s.error().message;
    return;
  }
  if (pfc) (void)WriteFileAtomically(base + ".pfc", *pfc);
  r.details["profile"] = base + ".json";
  r.details["profile_sha256"] = Sha256Hex(text);
  r.details["denied"] = deny;
  r.details["deny_action"] = std::string(DenyActionName(p->action));
  r.details["previous_profile"] = current.is_null() ? "none" : "the container's own";

  if (!SandboxIdOf(*record).empty()) {
    r.outcome = Outcome::kFailed;
    r.error = "a pod's container is re-created by the kubelet from the pod spec, not from containerd's spec: the "
              "profile is saved at " + base + ".json for the pod's securityContext.seccompProfile (Localhost); nothing "
              "in the running pod was changed";
    return;
  }
  nlohmann::json spec = record->spec;
  spec["linux"]["seccomp"] = profile;
  int attempts = 0;
  Status updated = RetryWhileUnavailable([&] { return containerd.UpdateSpec(c.runtime_namespace, c.id, spec); }, &attempts);
  if (!updated) {
    r.outcome = Outcome::kFailed;
    r.error = updated.error().message;
    return;
  }
  r.details["spec_updated"] = true;
  if (!p->restart) {
    r.outcome = Outcome::kDone;
    r.details["in_effect"] = "from the container's next task start (restart: false)";
    return;
  }
  // Restart: the running task keeps the filter it started with; a new task gets the new one.
  (void)containerd.KillTask(c.runtime_namespace, c.id, SIGKILL, /*all=*/true);
  auto stopped = WaitForStatus(t, TaskStatus::kStopped, std::chrono::seconds(5));
  if (!stopped || stopped->status != TaskStatus::kStopped) {
    r.outcome = Outcome::kFailed;
    r.error = "the task did not stop for the restart";
    return;
  }
  if (Status s = containerd.DeleteTask(c.runtime_namespace, c.id); !s) {
    r.outcome = Outcome::kFailed;
    r.error = "delete task for the restart: " + s.error().message;
    return;
  }
  auto pid = containerd.CreateAndStartTask(*record);
  if (!pid) {
    r.outcome = Outcome::kFailed;
    r.error = "the spec is updated but the new task did not start: " + pid.error().message;
    return;
  }
  r.details["restarted"] = true;
  r.details["new_task_pid"] = *pid;
  r.details["in_effect"] = "now";
  r.outcome = Outcome::kDone;
}

SeccompTightenResponder::SeccompTightenResponder(ContainerDirectory& directory, std::string profile_dir,
                                                 std::string exec_control_dir)
    : containers_(directory, std::move(profile_dir)), exec_control_dir_(std::move(exec_control_dir)) {}

Status SeccompTightenResponder::ValidateParams(const nlohmann::json& params) const {
  return containers_.ValidateParams(params);
}

ActionResult SeccompTightenResponder::Run(const ActionRequest& req) {
  if (req.alert.target.in_container()) return containers_.Run(req);
  // A host process: only one started under `riposte exec` can still be tightened.
  auto p = ParseParams(req.params);
  if (!p) return {Outcome::kFailed, p.error().message, {}};
  const pid_t pid = static_cast<pid_t>(req.alert.target.pid);
  if (pid <= 0) return {Outcome::kFailed, "the alert names no process", {}};
  const std::vector<std::string> deny = DenyList(*p, &req.alert);
  ActionResult r;
  r.details["pid"] = pid;
  r.details["denied"] = deny;
  r.details["deny_action"] = std::string(DenyActionName(p->action));
  if (req.dry_run) {
    // The same lookup, without the request.
    r.outcome = Outcome::kWouldHave;
    r.details["would"] = "ask the process's `riposte exec` supervisor to deny these syscalls";
    return r;
  }
  auto t = TightenSupervised(pid, static_cast<pid_t>(req.alert.target.ppid), deny, p->action, exec_control_dir_);
  if (!t) {
    r.outcome = Outcome::kFailed;
    r.error = t.error().message;
    return r;
  }
  r.details["supervised_pid"] = t->supervised_pid;
  r.details["profile"] = t->profile;
  r.details["denied_now"] = t->denied;
  if (!t->not_enforced.empty()) r.details["not_enforced"] = t->not_enforced;
  r.details["in_effect"] = "now, for every process of the supervised tree";
  r.outcome = Outcome::kDone;
  return r;
}

}  // namespace riposte
