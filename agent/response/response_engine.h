// The decision stage: alert -> policies -> playbook steps -> responders, with every
// decision written to the audit log. Applies modes (global --dry-run, per-policy mode,
// the circuit breaker), protections, de-duplication and rate limits, `when` and
// `on_failure`. One caller at a time (the response worker); policies may be swapped from
// another thread (reload).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "policy/alert_facts.h"
#include "policy/policy.h"
#include "response/action_limits.h"
#include "responders/protected_targets.h"
#include "responders/responder_registry.h"

namespace riposte {

struct ResponseOptions {
  bool force_dry_run = false;          // --dry-run: every policy runs in dry-run
  uint32_t breaker_max_per_minute = 60;  // 0: no breaker
  std::chrono::milliseconds breaker_cooldown{5 * 60 * 1000};
  ProtectionConfig protection;
};

// One step's fate, for callers and tests (the audit log has the full record).
struct StepReport {
  std::string policy;
  std::string step;
  std::string action;
  bool dry_run = false;
  Outcome outcome = Outcome::kFailed;
  std::string error;
  uint64_t audit_seq = 0;  // the result record
  std::chrono::microseconds duration{0};  // the responder's own time (0 when it did not run)
};

class ResponseEngine {
 public:
  using BreakerHook = std::function<void(const std::string& message)>;

  ResponseEngine(std::shared_ptr<const PolicySet> policies, ResponderRegistry& responders, AuditLog& audit,
                 ResponseOptions options, BreakerHook on_breaker = {});

  std::vector<StepReport> Handle(const AlertFacts& alert);
  // Swaps the policy set (a reload): takes effect for the next alert, resets the breaker.
  void SetPolicies(std::shared_ptr<const PolicySet> policies);
  std::shared_ptr<const PolicySet> policies() const;
  const ProtectedTargets& protection() const { return protection_; }

 private:
  void RunPolicy(const Policy& policy, const AlertFacts& alert, std::vector<StepReport>& reports);
  Result<uint64_t> Audit(nlohmann::ordered_json body, bool sync);

  mutable std::mutex policies_mu_;
  std::shared_ptr<const PolicySet> policies_;
  ResponderRegistry& responders_;
  AuditLog& audit_;
  bool force_dry_run_;
  ProtectedTargets protection_;
  DedupWindow dedup_;
  RateLimiter rate_;
  CircuitBreaker breaker_;
  std::mutex breaker_mu_;
  BreakerHook on_breaker_;
};

// The audit view of an alert's target.
nlohmann::ordered_json TargetJson(const AlertTarget& t);

}  // namespace riposte
