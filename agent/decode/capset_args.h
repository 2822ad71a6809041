// What a capset call asked for, from the header and data the kernel read at its entry.
#pragma once

#include <cstdint>
#include <optional>

#include "decode/event.h"

namespace riposte {

struct CapsetRequest {
  uint64_t effective = 0, permitted = 0, inheritable = 0;
};

// The three sets (64-bit: the version 2 and 3 layouts' two 32-bit halves; version 1 has
// only the low half). Nothing for another event, a header or data the kernel could not
// read, or a version the kernel does not accept.
std::optional<CapsetRequest> CapsetRequestOf(const Event& e);

}  // namespace riposte
