// Falco's execve/execveat exit parameters (libs' event table: exe, args, tid, pid, ptid,
// cwd, comm, tty, pgid, vpgid, loginuid, caps, exe_ino and its times, uid, gid,
// trusted_exepath ...) as evt.arg.NAME, evt.rawarg.NAME, evt.arg[N] and evt.args show
// them, taken from the process riposte built from the kernel's exec record (the execve
// syscall's exit comes after it). Parameters riposte's record does not carry (fdlimit,
// pgft_*, vm_*, the exe flags' writable bit, cgroups and env in Falco's form) have no
// value here rather than an invented one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "decode/event.h"
#include "state/process_table.h"

namespace riposte {

struct ExecParamValue {
  std::string text;       // evt.arg.NAME: "root", "cf_exec1" (a pid shows its process's name)
  std::string args_text;  // in evt.args: "0(root)", "26547(cf_exec1)"
  std::optional<int64_t> number;  // evt.rawarg.NAME, and what numeric comparisons use
  bool number_is_text = false;    // the evt.arg text is the number itself ("0", "1FFFEFFFFFF")
};

// Nothing when `name` is not one of them, or the process is not known.
std::optional<ExecParamValue> ExecParamOf(const Event& e, const ProcessTable& processes, std::string_view name);

}  // namespace riposte
