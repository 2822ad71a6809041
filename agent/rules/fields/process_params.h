// The exit parameters with which Falco's execve, execveat and clone-family events describe
// the calling process (libs' event table: exe, args, tid, pid, ptid, cwd, comm, tty, pgid,
// vpgid, loginuid, caps, exe_ino and its times, uid, gid, trusted_exepath, vtid, vpid) as
// evt.arg.NAME, evt.rawarg.NAME, evt.arg[N] and evt.args show them, taken from the process
// riposte built from the kernel's exec and fork records (they come before the syscall's
// exit); and the parameters of Falco's procexit event (status, ret, sig, core, reaper_tid),
// from the kernel's exit record. Parameters riposte's records do not carry (cgroups and
// env in Falco's form) have no value here rather than an invented one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "decode/event.h"
#include "rules/fields/param_value.h"
#include "state/process_table.h"

namespace riposte {

// Whether the syscall's Falco event carries them: execve, execveat, clone, clone3, fork, vfork.
bool HasProcessParams(std::string_view syscall);
// Nothing when `name` is not one of them, or the process is not known.
std::optional<ParamValue> ProcessParamOf(const Event& e, const ProcessTable& processes, std::string_view name);

// The result of a syscall whose result Falco's table types as a pid (ResultIsPid): the
// process' name when riposte knows it ("27210(cf_sess)" in evt.args), else the bare
// number (a failure's "-1", the new side's "0").
ParamValue PidResult(const Event& e, const ProcessTable& processes);

// procexit's parameters, from a kProcessExit event: the raw wait status ("32512"), the exit
// code ("127"), the killing signal ("SIGKILL", "9(SIGKILL)" in evt.args, "0" for none), the
// core-dump bit, and the reaper's tid (0 for a task that leaves no children; -1 when the
// kernel could not tell). Nothing for any other name or event.
std::optional<ParamValue> ExitParamOf(const Event& e, const ProcessTable& processes, std::string_view name);

// capset's parameters as Falco's probe fills them: the caller's capability sets once the
// call returned (read back from its credentials: the sets asked for when it succeeded, the
// ones kept when it failed), in hex like execve's. Nothing for another name or event.
std::optional<ParamValue> CapsetParamOf(const Event& e, std::string_view name);

}  // namespace riposte
