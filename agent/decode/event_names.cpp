#include "decode/event.h"
#include "kernel/syscall_table.h"

namespace riposte {

std::string_view EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kSyscall: return "syscall";
    case EventKind::kProcessExec: return "procexec";
    case EventKind::kProcessFork: return "procfork";
    case EventKind::kProcessExit: return "procexit";
  }
  return "unknown";
}

std::string_view EventTypeName(const Event& e) {
  if (e.kind == EventKind::kSyscall && e.syscall) return e.syscall->name;
  return EventKindName(e.kind);
}

}  // namespace riposte
