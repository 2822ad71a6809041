// evt.args as Falco prints it: every parameter of Falco's exit event for the type, in its
// order, "name=value", a number followed by what it means where Falco adds one
// ("fd=3(<f>/etc/passwd) dirfd=-100(AT_FDCWD) name=/etc/passwd flags=1(O_RDONLY) mode=0").
// Parameters riposte's records do not carry (open's dev and ino, execve's memory
// counters ...) are left out rather than invented.
#pragma once

#include <optional>
#include <string>

#include "decode/event.h"
#include "state/process_table.h"

namespace riposte {

// Empty for events that are not syscalls. `processes` names the processes pid parameters
// point at (execve's "ptid=26537(bash)"); without it those are left out.
std::string FalcoArgsText(const Event& e, const ProcessTable* processes = nullptr);
// An fd parameter as Falco shows it (evt.arg.fd, inside evt.args' parentheses):
// "<f>/etc/passwd", "<4t>1.2.3.4:5->6.7.8.9:10", "<p>"; the number when the fd is unknown.
std::string FalcoFdText(const Event& e, int64_t fd);
// A socket event's "tuple" parameter as Falco's driver reports it ("127.0.0.1:40000->
// 127.0.0.1:80", oriented by the event's direction; "NULL" for a call that failed).
std::optional<std::string> FalcoTupleParamText(const Event& e);
// Whether the syscall's result is an fd (dup, dup2, dup3, fcntl's F_DUPFD).
bool ReturnsFd(std::string_view syscall);
// Whether Falco's table types the syscall's result as a pid (clone, clone3, fork, vfork,
// setsid): it prints with the process' name when known, and a failure as the bare number
// ("-1", no errno name) in evt.res, evt.arg.res and evt.args.
bool ResultIsPid(const SyscallInfo& syscall);

}  // namespace riposte
