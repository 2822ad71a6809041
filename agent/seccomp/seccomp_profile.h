// Seccomp profiles in the OCI runtime spec's JSON form (what containerd, runc and the
// kubelet's Localhost profiles use), and how riposte tightens one: the syscalls to deny
// are taken out of every rule that allows them and denied explicitly, everything else the
// profile said stays as it was. Pure functions; libseccomp turns a profile into a filter
// (seccomp_filter.h).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace riposte {

// What happens to a denied syscall: fail with EPERM, or kill the process.
enum class DenyAction { kErrno, kKill };
std::string_view DenyActionName(DenyAction a);  // "errno" | "kill"

// The baseline riposte calls "restricted": what an escaping or tampering workload reaches
// for (namespaces, mounts, kernel modules, ptrace, bpf, keyrings, kexec, ...) and a normal
// service never needs.
const std::vector<std::string>& RestrictedSyscalls();

// Every name must be a syscall libseccomp knows on this machine; an error names the
// first that is not.
Status CheckSyscallNames(const std::vector<std::string>& names);

// `current`: the container's profile (the spec's linux.seccomp), or null for none (every
// syscall allowed). Returns the tightened profile.
nlohmann::json TightenProfile(const nlohmann::json& current, const std::vector<std::string>& deny, DenyAction action);

// An OCI runtime spec's linux.seccomp; null when the spec has none.
nlohmann::json SpecSeccompProfile(const nlohmann::json& spec);

// The syscalls a profile denies (rules and default action that do not allow), for `show`.
std::vector<std::string> DeniedSyscalls(const nlohmann::json& profile);

}  // namespace riposte
