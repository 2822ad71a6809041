// Turns one raw ring-buffer (or capture-file) record into a typed Event. Every length in
// the record is checked against the bytes actually present: a corrupt or hostile record
// is an error value, never an out-of-bounds read.
#pragma once

#include <cstdint>
#include <span>

#include "common/result.h"
#include "decode/event.h"

namespace riposte {

// Decodes `record` into `out` (reused between calls; views point into `record`).
Status DecodeRecord(std::span<const uint8_t> record, Event& out);

}  // namespace riposte
