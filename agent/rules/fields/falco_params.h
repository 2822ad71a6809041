// Falco's exit-event parameters for each event type riposte produces, by name and in
// Falco's order (libs driver/event_table.c): evt.arg[N] is the N-th of them, as in Falco,
// whatever order riposte's own records keep.
#pragma once

#include <string_view>
#include <vector>

namespace riposte {

// The names, in order; empty for a type Falco's table does not list (procexec, procfork).
const std::vector<std::string_view>& FalcoParams(std::string_view type);

}  // namespace riposte
