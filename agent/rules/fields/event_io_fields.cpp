// evt.category, the I/O fields (evt.is_io*, evt.io_dir, evt.buflen*), evt.is_wait,
// evt.is_syslog and the evt.count* family, from Falco's event table (event_traits.h).
#include <algorithm>
#include <string_view>

#include "decode/open_args.h"
#include "kernel/syscall_table.h"
#include "rules/field_registry.h"
#include "rules/fields/event_traits.h"
#include "state/fd_info.h"

namespace riposte {
namespace {

using V = std::vector<FieldValue>;

using Category = EventCategory;

Category CategoryOf(std::string_view type) { return TraitsOf(type).category; }

bool IsIo(Category c) { return c == Category::kIoRead || c == Category::kIoWrite || c == Category::kIoOther; }

// Falco's event flags for reading from and writing to an fd. No event riposte produces waits.
bool Reads(const Event& e) { return TraitsOf(EventTypeName(e)).reads_fd; }
bool Writes(const Event& e) { return TraitsOf(EventTypeName(e)).writes_fd; }

bool IsFileFd(const FdInfo& f) { return f.type == FdType::kFile || f.type == FdType::kDirectory; }
bool IsNetFd(const FdInfo& f) { return f.type == FdType::kIpv4 || f.type == FdType::kIpv6; }
// The fd the event acts on, as Falco's "fdinfo" of the event (a failed open's scratch
// entry is not an fd).
const FdInfo* EventFd(const Event& e) { return e.fd && !e.fd->failed_open ? e.fd : nullptr; }

std::string_view CategoryName(const Event& e) {
  switch (CategoryOf(EventTypeName(e))) {
    case Category::kOther: return "other";
    case Category::kFile: return "file";
    case Category::kNet: return "net";
    case Category::kIpc: return "IPC";
    case Category::kMemory: return "memory";
    case Category::kProcess: return "process";
    case Category::kSignal: return "signal";
    case Category::kUser: return "user";
    case Category::kIoRead: case Category::kIoWrite: case Category::kIoOther: break;
  }
  // I/O: by what the fd is.
  const FdInfo* f = EventFd(e);
  if (!f) return "unknown";
  if (IsFileFd(*f)) return "file";
  if (IsNetFd(*f)) return "net";
  switch (f->type) {
    case FdType::kPipe: case FdType::kUnix: case FdType::kEvent: case FdType::kSignalfd:
    case FdType::kInotify: case FdType::kUserfaultfd:
      return "ipc";
    default:
      return "unknown";
  }
}

void Bool(V& out, bool b) { out.push_back({b ? "true" : "false", b}); }
void Num(V& out, int64_t n) { out.push_back({{}, n}); }

// evt.buflen and its variants: the byte count of an I/O event on a known fd, when it
// succeeded; `in`/`out` and the fd kinds narrow it.
enum class Dir { kAny, kIn, kOut };
enum class FdKind { kAny, kFile, kNet };
template <Dir D, FdKind F>
void Buflen(EvalContext& c, const FieldArg&, V& out) {
  const Event& e = c.event;
  const FdInfo* f = EventFd(e);
  if (e.kind != EventKind::kSyscall || !f) return;
  const Category cat = CategoryOf(EventTypeName(e));
  if (!IsIo(cat)) return;
  if (D == Dir::kIn && cat != Category::kIoRead) return;
  if (D == Dir::kOut && cat != Category::kIoWrite) return;
  if (F == FdKind::kFile && f->type != FdType::kFile) return;
  if (F == FdKind::kNet && !IsNetFd(*f)) return;
  if (e.ret >= 0) Num(out, e.ret);
}

bool IsNetCreating(std::string_view t) { return t == "accept" || t == "accept4" || t == "connect"; }

// evt.count.error*: 1 for a failed syscall of that kind, 0 for a successful one; no
// value for events of other kinds (Falco's "fd known: by its type; otherwise by the
// event type" rule).
enum class FailureClass { kAny, kFile, kNet, kMemory, kOther };
template <FailureClass K>
void ErrorCount(EvalContext& c, const FieldArg&, V& out) {
  const Event& e = c.event;
  if (e.kind != EventKind::kSyscall) return;
  const std::string_view t = EventTypeName(e);
  const FdInfo* f = EventFd(e);
  bool applies = true;
  switch (K) {
    case FailureClass::kAny: break;
    case FailureClass::kFile: applies = f ? IsFileFd(*f) : IsOpenEvent(e); break;
    case FailureClass::kNet: applies = f ? IsNetFd(*f) || f->type == FdType::kUnix : IsNetCreating(t); break;
    case FailureClass::kMemory: applies = CategoryOf(t) == Category::kMemory; break;
    case FailureClass::kOther:
      applies = f ? !(IsFileFd(*f) || IsNetFd(*f) || f->type == FdType::kUnix)
                  : !(IsOpenEvent(e) || IsNetCreating(t) || CategoryOf(t) == Category::kMemory);
      break;
  }
  if (applies) Num(out, e.ret < 0 ? 1 : 0);
}

}  // namespace

std::vector<FieldDef> EventIoFields() {
  using K = FieldType;
  using A = FieldArgMode;
  return {
      {"evt.category", K::kString, A::kNone,
       "Falco's event category: file, net, IPC, memory, process, signal, user, other; for I/O by the fd: file, net, ipc, unknown",
       [](EvalContext& c, const FieldArg&, V& out) { out.push_back({CategoryName(c.event), 0}); }},
      {"evt.is_io", K::kBool, A::kNone, "the event reads or writes an fd (read, write, send, recv ...)",
       [](EvalContext& c, const FieldArg&, V& out) {
         const EventTraits t = TraitsOf(EventTypeName(c.event));
         Bool(out, t.reads_fd || t.writes_fd);
       }},
      {"evt.is_io_read", K::kBool, A::kNone, "the event reads from an fd",
       [](EvalContext& c, const FieldArg&, V& out) { Bool(out, Reads(c.event)); }},
      {"evt.is_io_write", K::kBool, A::kNone, "the event writes to an fd",
       [](EvalContext& c, const FieldArg&, V& out) { Bool(out, Writes(c.event)); }},
      {"evt.io_dir", K::kString, A::kNone, "'read' or 'write' for I/O events; no value otherwise",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (Writes(c.event)) out.push_back({"write", 0});
         else if (Reads(c.event)) out.push_back({"read", 0});
       }},
      {"evt.is_wait", K::kBool, A::kNone, "the event makes the thread wait (sleep, poll): none riposte produces",
       [](EvalContext&, const FieldArg&, V& out) { Bool(out, false); }},
      {"evt.is_syslog", K::kBool, A::kNone, "a write to /dev/log",
       [](EvalContext& c, const FieldArg&, V& out) {
         const FdInfo* f = EventFd(c.event);
         Bool(out, Writes(c.event) && f && f->name.find("/dev/log") != std::string::npos);
       }},
      {"evt.buflen", K::kInt, A::kNone, "bytes read or written by a successful I/O event", Buflen<Dir::kAny, FdKind::kAny>},
      {"evt.buflen.in", K::kInt, A::kNone, "bytes read by a successful read event", Buflen<Dir::kIn, FdKind::kAny>},
      {"evt.buflen.out", K::kInt, A::kNone, "bytes written by a successful write event", Buflen<Dir::kOut, FdKind::kAny>},
      {"evt.buflen.file", K::kInt, A::kNone, "evt.buflen, on a file", Buflen<Dir::kAny, FdKind::kFile>},
      {"evt.buflen.file.in", K::kInt, A::kNone, "evt.buflen.in, on a file", Buflen<Dir::kIn, FdKind::kFile>},
      {"evt.buflen.file.out", K::kInt, A::kNone, "evt.buflen.out, on a file", Buflen<Dir::kOut, FdKind::kFile>},
      {"evt.buflen.net", K::kInt, A::kNone, "evt.buflen, on an IP socket", Buflen<Dir::kAny, FdKind::kNet>},
      {"evt.buflen.net.in", K::kInt, A::kNone, "evt.buflen.in, on an IP socket", Buflen<Dir::kIn, FdKind::kNet>},
      {"evt.buflen.net.out", K::kInt, A::kNone, "evt.buflen.out, on an IP socket", Buflen<Dir::kOut, FdKind::kNet>},
      {"evt.count", K::kInt, A::kNone, "always 1", [](EvalContext&, const FieldArg&, V& out) { Num(out, 1); }},
      {"evt.count.exit", K::kInt, A::kNone, "1: every riposte event is an exit event",
       [](EvalContext&, const FieldArg&, V& out) { Num(out, 1); }},
      {"evt.count.error", K::kInt, A::kNone, "1 if the syscall failed, else 0", ErrorCount<FailureClass::kAny>},
      {"evt.count.error.file", K::kInt, A::kNone, "evt.count.error, for file events", ErrorCount<FailureClass::kFile>},
      {"evt.count.error.net", K::kInt, A::kNone, "evt.count.error, for network events", ErrorCount<FailureClass::kNet>},
      {"evt.count.error.memory", K::kInt, A::kNone, "evt.count.error, for memory events", ErrorCount<FailureClass::kMemory>},
      {"evt.count.error.other", K::kInt, A::kNone, "evt.count.error, for every other event", ErrorCount<FailureClass::kOther>},
      {"evt.count.procinfo", K::kInt, A::kNone, "0: riposte has no procinfo events",
       [](EvalContext&, const FieldArg&, V& out) { Num(out, 0); }},
      {"evt.count.threadinfo", K::kInt, A::kNone, "0: riposte has no procinfo events",
       [](EvalContext&, const FieldArg&, V& out) { Num(out, 0); }},
  };
}

}  // namespace riposte
