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

}  // namespace riposte
