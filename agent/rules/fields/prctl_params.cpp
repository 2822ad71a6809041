#include "rules/fields/prctl_params.h"

#include <sys/prctl.h>
#include <sys/syscall.h>

#include <string>

#include "kernel/syscall_table.h"

namespace riposte {

std::optional<ParamValue> PrctlParamOf(const Event& e, std::string_view name) {
  if (e.kind != EventKind::kSyscall || !e.syscall || e.syscall->nr != SYS_prctl) return std::nullopt;
  const auto option = static_cast<uint32_t>(e.args[0]);
  const bool names = option == PR_SET_NAME || option == PR_GET_NAME;
  if (name == "arg2_str") {
    // An empty parameter shows as Falco shows one: "<NA>".
    std::string text = names && !e.params[0].empty() ? std::string(e.params[0]) : std::string("<NA>");
    return ParamValue{text, text, std::nullopt, false};
  }
  if (name == "arg2_int") {
    if (option == PR_GET_CHILD_SUBREAPER) return std::nullopt;
    const int64_t n = names ? 0 : static_cast<int64_t>(e.args[1]);
    return ParamValue{std::to_string(n), std::to_string(n), n, true};
  }
  return std::nullopt;
}

}  // namespace riposte
