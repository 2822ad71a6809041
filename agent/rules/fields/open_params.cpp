#include "rules/fields/open_params.h"

#include <sys/syscall.h>

#include <cstdio>

#include "decode/falco_flag_sets.h"
#include "decode/flag_names.h"
#include "decode/open_args.h"
#include "kernel/syscall_table.h"

namespace riposte {

std::optional<ParamValue> OpenParamOf(const Event& e, std::string_view name) {
  if (!IsOpenEvent(e)) return std::nullopt;
  const OpenedFile file = OpenedFileOf(e);
  if (name == "dev") {  // shown in hex, as Falco's table asks: "FE00"
    char hex[16];
    std::snprintf(hex, sizeof(hex), "%X", file.dev);
    return ParamValue{hex, hex, file.dev, true};
  }
  if (name == "ino") {
    std::string n = std::to_string(file.ino);
    return ParamValue{n, n, static_cast<int64_t>(file.ino), true};
  }
  // openat2 keeps its resolve flags (and its mode) in struct open_how.
  if (name == "resolve" && e.syscall->nr == SYS_openat2) {
    const FalcoFlagSet& set = *FalcoFlagSetOf(ArgKind::kResolveFlags);
    return FlagSetParam(set, set.encode(OpenResolveOf(e)));
  }
  if (name == "creat_flags" && e.syscall->nr == SYS_creat) {
    const uint64_t reported = OpenReportedFlags(e);
    const uint32_t bits = ((reported & kOpenUpperLayer) ? kFalcoCreatUpperLayer : 0) |
                          ((reported & kOpenLowerLayer) ? kFalcoCreatLowerLayer : 0);
    if (!bits) return ParamValue{"0", "0", 0, true};
    std::string names = CreatFlagsName(bits);
    return ParamValue{names, std::to_string(bits) + "(" + names + ")", bits, false};
  }
  return std::nullopt;
}

}  // namespace riposte
