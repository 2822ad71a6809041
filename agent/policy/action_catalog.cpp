#include "policy/action_catalog.h"

#include <algorithm>

namespace riposte {
namespace {

using T = ActionTarget;
using P = ActionParam;

constexpr P kKillParams[] = {
    {"target", "process (default), process_group, or container: every process of the alert's container"},
    {"signal", "a signal name or number (default SIGKILL)"},
    {"wait_ms", "how long to wait for a SIGKILL'd process to be gone before reporting, 0..10000 (default 100)"},
};
constexpr P kNotifyParams[] = {
    {"url", "http://host[:port]/path to POST the alert to (without it: a warning in the log)"},
    {"message", "text sent with the alert"},
    {"timeout_ms", "how long the POST may take"},
};
constexpr P kStopParams[] = {{"grace_period", "how long SIGTERM has before SIGKILL (default 10s)"}};
constexpr P kContainerKillParams[] = {
    {"signal", "a signal name or number (default SIGKILL)"},
    {"wait", "how long to wait for the processes to be gone (default 2s)"},
};
constexpr P kQuarantineParams[] = {{"allow", "CIDRs, or {cidr, ports, protocol}, that stay reachable"}};
constexpr P kSeccompParams[] = {
    {"deny", "syscall names to deny"},
    {"profile", "restricted: the baseline deny list"},
    {"from_alert", "true: deny the alert's own syscall"},
    {"action", "errno (fail with EPERM, default) or kill"},
    {"restart", "true: restart the container's task so the profile applies"},
};

constexpr P kCaptureParams[] = {
    {"before", "how much of the flight recorder's past to keep (default 5s; at most its window)"},
    {"after", "how long to go on capturing after the alert (default 5s, at most 5m)"},
    {"scope", "container (default), pod, process_tree or host"},
    {"max_bytes", "the most record bytes the capture keeps (default 16 MiB); past it the capture closes, truncated"},
};
constexpr P kEvidenceProcessParams[] = {{"tree", "true (default): ancestors and descendants too; false: the process alone"}};
constexpr P kEvidenceFileParams[] = {
    {"field", "the alert field holding the file's path (default: the process's executable)"},
    {"quarantine", "true: clear the original's execute bits once copied (default false)"},
    {"max_bytes", "the largest file copied (default 256 MiB)"},
};
constexpr P kEvidenceContainerParams[] = {{"rootfs_diff", "true (default): list the writable layer's files with hashes"}};

// The order is the documentation's (docs/responders.md).
constexpr ActionSpec kActions[] = {
    {"process.kill", T::kProcess, kKillParams, true, true,
     "send the signal to the process (or its group, or its container's processes)"},
    {"notify", T::kNothing, kNotifyParams, false, false, "POST the alert to the webhook, or log it"},
    {"container.pause", T::kContainer, {}, true, false, "freeze every process of the container"},
    {"container.resume", T::kContainer, {}, true, false, "thaw the container"},
    {"container.stop", T::kContainer, kStopParams, true, false,
     "stop the container's task: SIGTERM, SIGKILL after the grace period"},
    {"container.kill", T::kContainer, kContainerKillParams, true, false, "send the signal to every process of the container"},
    {"pod.stop", T::kPod, kStopParams, true, false, "stop every container of the pod through CRI"},
    {"network.quarantine", T::kContainer, kQuarantineParams, true, false,
     "drop every packet of the workload's network namespace but the allow list"},
    {"network.release", T::kContainer, {}, true, false, "remove the workload's quarantine"},
    {"seccomp.tighten", T::kContainer, kSeccompParams, true, false,
     "deny the syscalls to the container (or supervised process) from now on"},
    {"capture", T::kContainer, kCaptureParams, false, false,
     "write the flight recorder's seconds before the alert and the seconds after to a capture file"},
    {"evidence.process", T::kProcess, kEvidenceProcessParams, false, false,
     "record the process tree from /proc: argv, exe hash, environment, fds, sockets, maps, namespaces"},
    {"evidence.file", T::kProcess, kEvidenceFileParams, true, false,
     "copy the executable (or the file an alert field names) into the evidence directory, hashed"},
    {"evidence.container", T::kContainer, kEvidenceContainerParams, false, false,
     "record the container's metadata and its writable layer's files with hashes"},
};

}  // namespace

std::string_view ActionTargetName(ActionTarget t) {
  switch (t) {
    case T::kProcess: return "process";
    case T::kContainer: return "container";
    case T::kPod: return "pod";
    case T::kNothing: return "nothing";
  }
  return "nothing";
}

std::span<const ActionSpec> KnownActions() { return kActions; }

const ActionSpec* FindAction(std::string_view name) {
  auto it = std::find_if(std::begin(kActions), std::end(kActions), [&](const ActionSpec& s) { return s.name == name; });
  return it == std::end(kActions) ? nullptr : &*it;
}

Status CheckParamNames(const ActionSpec& spec, const nlohmann::json& params) {
  if (!params.is_object()) return Status::Ok();  // the reader reports a params that is no mapping
  for (const auto& [key, value] : params.items()) {
    if (std::any_of(spec.params.begin(), spec.params.end(), [&](const ActionParam& p) { return p.name == key; }))
      continue;
    if (spec.params.empty()) return Error{std::string(spec.name) + " takes no parameters, not '" + key + "'"};
    std::string names;
    for (const auto& p : spec.params) names += (names.empty() ? "" : ", ") + std::string(p.name);
    return Error{"unknown parameter '" + key + "' (" + names + ")"};
  }
  return Status::Ok();
}

}  // namespace riposte
