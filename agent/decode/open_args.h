// The flags and mode of an open-family event (open, openat, openat2, creat), wherever the
// syscall keeps them: in its arguments, in openat2's struct open_how, or implied (creat is
// open with O_CREAT|O_WRONLY|O_TRUNC). One place for the state stage and the fields.
#pragma once

#include <cstdint>

#include "decode/event.h"

namespace riposte {

bool IsOpenEvent(const Event& e);
// Call only for an open event.
uint64_t OpenFlagsOf(const Event& e);
uint64_t OpenModeOf(const Event& e);
// openat2's open_how.resolve (RESOLVE_*), 0 for the other opens.
uint64_t OpenResolveOf(const Event& e);

// The flags as Falco's open events report them: what was asked, with what the open did
// (kOpenCreatedFile, kOpenUpperLayer, kOpenLowerLayer) where the kernel said.
uint64_t OpenReportedFlags(const Event& e);

// The opened file's device and inode as Falco's open events carry them: the device in the
// kernel's user-visible encoding (minor's low byte, major << 8, minor's high bits << 12:
// 0xFE00 for 254:0), both 0 unless the kernel read them from the new fd (Falco reads them
// only for an fd above 0, so an open that returns fd 0 has 0 and 0).
struct OpenedFile {
  uint32_t dev = 0;
  uint64_t ino = 0;
};
OpenedFile OpenedFileOf(const Event& e);

}  // namespace riposte
