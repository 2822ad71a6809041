// Which in-kernel kill selectors the loaded policies ask for: every enabled policy that
// enforces (not dry-run, not forced to dry-run) and has a process.kill step with an
// `in_kernel:` block, one selector per binary name. Dry-run policies never program the
// kernel: a kernel cannot "would have".
#pragma once

#include <string>
#include <vector>

#include "kernel/kill_selector.h"
#include "policy/policy.h"

namespace riposte {

struct KernelKillPlan {
  std::vector<KernelKillRule> rules;
  std::vector<std::string> sources;  // "policy 'x' step 'kill'" per rule, for the log
};

KernelKillPlan PlanKernelKills(const PolicySet& policies, bool force_dry_run);

}  // namespace riposte
