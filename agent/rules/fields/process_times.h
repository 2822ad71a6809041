// When a process and its pid namespace started, in wall-clock ns: proc.start_ts,
// proc.pidns_init_start_ts and the container plugin's container.start_ts, which Falco
// takes from the same pid-namespace start.
#pragma once

#include <cstdint>
#include <optional>

#include "rules/field_registry.h"
#include "state/process_info.h"

namespace riposte {

// The process' start (kept relative to boot) on the wall clock.
int64_t StartWallNs(EvalContext& c, const ProcessInfo& p);
// Its pid namespace's init (vpid 1 in the same namespace), when the table holds it.
const ProcessInfo* PidNamespaceInit(EvalContext& c, const ProcessInfo& p);
// That init's start (as the kernel reported it at the process' fork, or as the table
// holds the init); nothing when it is unknown.
std::optional<int64_t> PidNamespaceStartWallNs(EvalContext& c, const ProcessInfo& p);

}  // namespace riposte
