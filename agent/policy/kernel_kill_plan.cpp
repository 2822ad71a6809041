#include "policy/kernel_kill_plan.h"

namespace riposte {

KernelKillPlan PlanKernelKills(const PolicySet& policies, bool force_dry_run) {
  KernelKillPlan plan;
  if (force_dry_run) return plan;
  for (const auto& p : policies.policies) {
    if (!p.enabled || p.mode != PolicyMode::kEnforce) continue;
    for (const auto& step : p.actions) {
      if (!step.in_kernel) continue;
      const KernelKillSelector& k = *step.in_kernel;
      KernelKillRule rule;
      rule.syscalls = k.syscalls;
      rule.path_prefix = k.path_prefix;
      rule.success_only = k.success_only;
      rule.scope = k.scope == TargetScope::kHost        ? KernelKillRule::Scope::kHost
                   : k.scope == TargetScope::kContainer ? KernelKillRule::Scope::kContainer
                                                        : KernelKillRule::Scope::kAny;
      const std::string source = "policy '" + p.name + "' step '" + step.id + "'";
      if (k.process_names.empty()) {
        plan.rules.push_back(rule);
        plan.sources.push_back(source);
      }
      for (const auto& name : k.process_names) {
        rule.binary_name = name;
        plan.rules.push_back(rule);
        plan.sources.push_back(source + " (" + name + ")");
      }
    }
  }
  return plan;
}

}  // namespace riposte
