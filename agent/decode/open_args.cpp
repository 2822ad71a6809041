#include "decode/open_args.h"

#include <fcntl.h>
#include <sys/syscall.h>

#include <cstring>

#include "decode/flag_names.h"
#include "kernel/syscall_table.h"

namespace riposte {
namespace {

// open_how's u64 fields: flags, mode, resolve.
uint64_t OpenHowField(const Event& e, size_t index) {
  uint64_t v = 0;
  if (e.params[1].size() >= (index + 1) * 8) std::memcpy(&v, e.params[1].data() + index * 8, 8);
  return v;
}

}  // namespace

bool IsOpenEvent(const Event& e) {
  if (e.kind != EventKind::kSyscall || !e.syscall) return false;
  const int nr = e.syscall->nr;
  return nr == SYS_open || nr == SYS_openat || nr == SYS_openat2 || nr == SYS_creat;
}

uint64_t OpenFlagsOf(const Event& e) {
  switch (e.syscall->nr) {
    case SYS_open: return e.args[1];
    case SYS_openat: return e.args[2];
    case SYS_creat: return O_CREAT | O_WRONLY | O_TRUNC;
    default: return OpenHowField(e, 0);
  }
}

uint64_t OpenModeOf(const Event& e) {
  switch (e.syscall->nr) {
    case SYS_open: return e.args[2];
    case SYS_openat: return e.args[3];
    case SYS_creat: return e.args[1];
    default: return OpenHowField(e, 1);
  }
}

uint64_t OpenResolveOf(const Event& e) { return e.syscall->nr == SYS_openat2 ? OpenHowField(e, 2) : 0; }

uint64_t OpenReportedFlags(const Event& e) {
  uint64_t flags = OpenFlagsOf(e);
  if (!(e.flags & RP_SYSCALL_HAS_FILE)) return flags;
  if (e.file.facts & RP_FILE_CREATED) flags |= kOpenCreatedFile;
  if (e.ret <= 0) return flags;  // Falco reads the layer with the device: above fd 0
  if (e.file.facts & RP_FILE_UPPER_LAYER) flags |= kOpenUpperLayer;
  if (e.file.facts & RP_FILE_LOWER_LAYER) flags |= kOpenLowerLayer;
  return flags;
}

OpenedFile OpenedFileOf(const Event& e) {
  if (!(e.flags & RP_SYSCALL_HAS_FILE) || e.ret <= 0) return {};
  // The kernel's dev_t is major << 20 | minor.
  const uint32_t major = e.file.dev >> 20, minor = e.file.dev & 0xfffff;
  return {(minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12), e.file.ino};
}

}  // namespace riposte
