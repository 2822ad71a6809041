// What a failed execve or execveat was given: its argv and envp, read by the kernel from
// the caller's memory at the call's exit (RP_PARAM_OUT_EXEC_STRINGS). A successful exec
// has them in its exec record instead; a failed one left the caller's process unchanged,
// so only these say what it tried to run (Falco's exe, args and env parameters).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "decode/event.h"

namespace riposte {

struct FailedExecStrings {
  std::vector<std::string> argv;  // argv[0] is Falco's exe, the rest its args
  std::vector<std::string> envp;
};

// Nothing for another event, a successful call, or a record without the strings.
std::optional<FailedExecStrings> FailedExecStringsOf(const Event& e);

}  // namespace riposte
