#include "seccomp/seccomp_profile.h"

#include <seccomp.h>

#include <algorithm>
#include <set>

namespace riposte {
namespace {

bool Allows(const std::string& action) { return action == "SCMP_ACT_ALLOW" || action == "SCMP_ACT_LOG"; }

std::string ActionText(DenyAction a) { return a == DenyAction::kKill ? "SCMP_ACT_KILL_PROCESS" : "SCMP_ACT_ERRNO"; }

}  // namespace

std::string_view DenyActionName(DenyAction a) { return a == DenyAction::kKill ? "kill" : "errno"; }

const std::vector<std::string>& RestrictedSyscalls() {
  static const std::vector<std::string> names = {
      "ptrace",         "process_vm_readv", "process_vm_writev", "mount",       "umount2",      "pivot_root",
      "unshare",        "setns",            "bpf",               "init_module", "finit_module", "delete_module",
      "kexec_load",     "kexec_file_load",  "open_by_handle_at", "name_to_handle_at", "keyctl", "add_key",
      "request_key",    "userfaultfd",      "perf_event_open",   "iopl",        "ioperm",       "swapon",
      "swapoff",        "reboot",           "syslog",            "acct",        "quotactl",     "lookup_dcookie",
      "fsopen",         "fsmount",          "move_mount",        "open_tree",   "fspick"};
  return names;
}

Status CheckSyscallNames(const std::vector<std::string>& names) {
  for (const auto& n : names)
    if (seccomp_syscall_resolve_name(n.c_str()) == __NR_SCMP_ERROR)
      return Error{"'" + n + "' is not a syscall on this machine"};
  return Status::Ok();
}

nlohmann::json TightenProfile(const nlohmann::json& current, const std::vector<std::string>& deny, DenyAction action) {
  const std::set<std::string> denied(deny.begin(), deny.end());
  nlohmann::json p = current.is_object()
                         ? current
                         : nlohmann::json{{"defaultAction", "SCMP_ACT_ALLOW"},
                                          {"architectures", {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}},
                                          {"syscalls", nlohmann::json::array()}};
  if (!p.contains("syscalls") || !p["syscalls"].is_array()) p["syscalls"] = nlohmann::json::array();
  // Take the denied names out of every rule that lets them through; drop rules left empty.
  nlohmann::json kept = nlohmann::json::array();
  for (auto rule : p["syscalls"]) {
    if (rule.is_object() && Allows(rule.value("action", "")) && rule.contains("names") && rule["names"].is_array()) {
      nlohmann::json names = nlohmann::json::array();
      for (const auto& n : rule["names"])
        if (!n.is_string() || !denied.count(n.get<std::string>())) names.push_back(n);
      if (names.empty()) continue;
      rule["names"] = names;
    }
    kept.push_back(rule);
  }
  // Deny them explicitly unless the default already does exactly that (libseccomp
  // refuses a rule whose action equals the default).
  const std::string deny_action = ActionText(action);
  const bool default_denies = p.value("defaultAction", "") == deny_action &&
                              (action == DenyAction::kKill || p.value("defaultErrnoRet", 1) == 1);
  if (!denied.empty() && !default_denies) {
    nlohmann::json rule{{"names", std::vector<std::string>(denied.begin(), denied.end())}, {"action", deny_action}};
    if (action == DenyAction::kErrno) rule["errnoRet"] = 1;  // EPERM
    kept.push_back(rule);
  }
  p["syscalls"] = kept;
  return p;
}

nlohmann::json SpecSeccompProfile(const nlohmann::json& spec) {
  if (!spec.is_object() || !spec.contains("linux") || !spec["linux"].is_object()) return nullptr;
  return spec["linux"].value("seccomp", nlohmann::json());
}

std::vector<std::string> DeniedSyscalls(const nlohmann::json& profile) {
  std::set<std::string> out;
  if (!profile.is_object()) return {};
  for (const auto& rule : profile.value("syscalls", nlohmann::json::array())) {
    if (!rule.is_object() || Allows(rule.value("action", "")) || rule.contains("args")) continue;
    for (const auto& n : rule.value("names", nlohmann::json::array()))
      if (n.is_string()) out.insert(n.get<std::string>());
  }
  return {out.begin(), out.end()};
}

}  // namespace riposte
