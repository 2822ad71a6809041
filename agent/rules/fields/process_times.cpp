#include "rules/fields/process_times.h"

namespace riposte {

int64_t StartWallNs(EvalContext& c, const ProcessInfo& p) {
  return c.wall_ns - (static_cast<int64_t>(c.event.ts_boot_ns) - static_cast<int64_t>(p.start_boottime_ns));
}

const ProcessInfo* PidNamespaceInit(EvalContext& c, const ProcessInfo& p) {
  if (p.vpid == 1) return &p;
  for (int n = 1; n < 64; ++n) {
    const ProcessInfo* a = c.processes.Ancestor(p, n);
    if (!a) break;
    if (a->vpid == 1 && a->pidns_inum == p.pidns_inum) return a;
  }
  return nullptr;
}

std::optional<int64_t> PidNamespaceStartWallNs(EvalContext& c, const ProcessInfo& p) {
  // What the kernel said at the process' fork (its namespace's reaper's start, since boot),
  // else the init the table holds.
  if (p.pidns_init_start_ns)
    return c.wall_ns - (static_cast<int64_t>(c.event.ts_boot_ns) - static_cast<int64_t>(p.pidns_init_start_ns));
  const ProcessInfo* init = PidNamespaceInit(c, p);
  if (!init) return std::nullopt;
  return StartWallNs(c, *init);
}

}  // namespace riposte
