#include "rules/fields/capset_params.h"

#include <sys/syscall.h>

#include <cstdio>
#include <string>

#include "kernel/syscall_table.h"
#include "state/process_info.h"

namespace riposte {

std::optional<ParamValue> CapsetParamOf(const Event& e, std::string_view name) {
  if (e.kind != EventKind::kSyscall || !e.syscall || e.syscall->nr != SYS_capset || !e.process) return std::nullopt;
  const ProcessInfo& p = *e.process;  // the state stage applied the call already
  uint64_t caps;
  if (name == "cap_inheritable") caps = p.cap_inheritable;
  else if (name == "cap_permitted") caps = p.cap_permitted;
  else if (name == "cap_effective") caps = p.cap_effective;
  else return std::nullopt;
  char hex[24];
  std::snprintf(hex, sizeof(hex), "%llX", static_cast<unsigned long long>(caps));
  return ParamValue{hex, hex, static_cast<int64_t>(caps), true};
}

}  // namespace riposte
