// Writes a whole file so that a reader (or a crash) sees the old content or the new,
// never a part: written to a fresh temporary file beside PATH (created exclusively, so a
// name planted there is never opened), synced, renamed over PATH. The directory is
// checked as every file riposte writes (common/safe_file.h).
#pragma once

#include <string>

#include "common/result.h"

namespace riposte {

Status WriteFileAtomically(const std::string& path, const std::string& text, int mode = 0600);

}  // namespace riposte
