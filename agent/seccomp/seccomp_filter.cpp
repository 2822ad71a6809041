#include "seccomp/seccomp_filter.h"

#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <vector>

#include "common/unique_fd.h"

namespace riposte {
namespace {

std::optional<uint32_t> Action(const std::string& name, const nlohmann::json& holder, const char* errno_key) {
  int err = holder.is_object() ? holder.value(errno_key, EPERM) : EPERM;
  if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(static_cast<uint16_t>(err));
  if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
  if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  if (name == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(static_cast<uint16_t>(err));
  return std::nullopt;
}

std::optional<scmp_compare> Op(const std::string& op) {
  static const std::map<std::string, scmp_compare> ops = {
      {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
      {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
      {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
  auto it = ops.find(op);
  return it == ops.end() ? std::nullopt : std::optional(it->second);
}

std::optional<uint32_t> Arch(const std::string& a) {
  if (a == "SCMP_ARCH_X86_64") return SCMP_ARCH_X86_64;
  if (a == "SCMP_ARCH_X86") return SCMP_ARCH_X86;
  if (a == "SCMP_ARCH_X32") return SCMP_ARCH_X32;
  if (a == "SCMP_ARCH_AARCH64") return SCMP_ARCH_AARCH64;
  if (a == "SCMP_ARCH_ARM") return SCMP_ARCH_ARM;
  return std::nullopt;
}

}  // namespace

Result<SeccompFilter> SeccompFilter::FromProfile(const nlohmann::json& profile) {
  if (!profile.is_object()) return Error{"a seccomp profile is a JSON object"};
  auto def = Action(profile.value("defaultAction", ""), profile, "defaultErrnoRet");
  if (!def) return Error{"defaultAction '" + profile.value("defaultAction", "") + "' is not a seccomp action"};
  SeccompFilter f(seccomp_init(*def));
  if (!f.ctx_) return Error{"seccomp_init failed"};
  for (const auto& a : profile.value("architectures", nlohmann::json::array())) {
    auto arch = a.is_string() ? Arch(a.get<std::string>()) : std::nullopt;
    if (!arch) continue;  // other machines' architectures are irrelevant here
    int rc = seccomp_arch_add(f.ctx_, *arch);
    if (rc != 0 && rc != -EEXIST) return Error{"seccomp_arch_add " + a.dump() + ": " + strerror(-rc)};
  }
  const auto rules = profile.value("syscalls", nlohmann::json::array());
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto& rule = rules[i];
    const std::string where = "syscalls[" + std::to_string(i) + "]";
    auto action = Action(rule.value("action", ""), rule, "errnoRet");
    if (!action) return Error{where + ": action '" + rule.value("action", "") + "' is not a seccomp action"};
    if (*action == *def) continue;  // as runc does: libseccomp refuses a rule equal to the default
    std::vector<scmp_arg_cmp> args;
    for (const auto& a : rule.value("args", nlohmann::json::array())) {
      auto op = Op(a.value("op", ""));
      if (!op) return Error{where + ": op '" + a.value("op", "") + "' is not a comparison"};
      args.push_back({a.value("index", 0u), *op, a.value("value", uint64_t{0}), a.value("valueTwo", uint64_t{0})});
    }
    for (const auto& n : rule.value("names", nlohmann::json::array())) {
      if (!n.is_string()) continue;
      int nr = seccomp_syscall_resolve_name(n.get<std::string>().c_str());
      if (nr == __NR_SCMP_ERROR) continue;  // unknown on this kernel/arch: runc skips these too
      int rc = seccomp_rule_add_array(f.ctx_, *action, nr, static_cast<unsigned>(args.size()), args.data());
      if (rc != 0) return Error{where + ": " + n.get<std::string>() + ": " + strerror(-rc)};
    }
  }
  return f;
}

SeccompFilter::~SeccompFilter() {
  if (ctx_) seccomp_release(ctx_);
}

SeccompFilter::SeccompFilter(SeccompFilter&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}

Status SeccompFilter::AddNotify(const std::vector<std::string>& names) {
  for (const auto& n : names) {
    int nr = seccomp_syscall_resolve_name(n.c_str());
    if (nr == __NR_SCMP_ERROR) continue;
    int rc = seccomp_rule_add(ctx_, SCMP_ACT_NOTIFY, nr, 0);
    if (rc == -EEXIST) continue;  // the profile already has a rule for it
    if (rc != 0) return Error{"notify rule for " + n + ": " + strerror(-rc)};
  }
  return Status::Ok();
}

int SeccompFilter::NotifyFd() const { return seccomp_notify_fd(ctx_); }

Status SeccompFilter::Load() {
  int rc = seccomp_load(ctx_);  // sets no_new_privs itself (SCMP_FLTATR_CTL_NNP defaults on)
  if (rc != 0) return Error{std::string("seccomp_load: ") + strerror(-rc)};
  return Status::Ok();
}

Result<std::string> SeccompFilter::ExportPfc() const {
  UniqueFd fd(memfd_create("riposte-seccomp-pfc", MFD_CLOEXEC));
  if (!fd.valid()) return Error{std::string("memfd_create: ") + strerror(errno)};
  int rc = seccomp_export_pfc(ctx_, fd.get());
  if (rc != 0) return Error{std::string("seccomp_export_pfc: ") + strerror(-rc)};
  off_t size = lseek(fd.get(), 0, SEEK_END);
  std::string text(static_cast<size_t>(size), '\0');
  if (pread(fd.get(), text.data(), text.size(), 0) != size) return Error{"reading the exported filter failed"};
  return text;
}

}  // namespace riposte
