// Writes a whole file so that a reader (or a crash) sees the old content or the new,
// never a part: written beside as PATH.tmp, synced, renamed over PATH.
#pragma once

#include <string>

#include "common/result.h"

namespace riposte {

Status WriteFileAtomically(const std::string& path, const std::string& text, int mode = 0600);

}  // namespace riposte
