// The one small interface every action implements. A responder resolves its target from
// the alert, runs every check the real action needs (target exists, not protected), and
// then either acts or, in dry-run, reports exactly what it would have done. Dry-run and
// enforce share every line but the one that changes the system: that is dry-run parity.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "policy/alert_facts.h"
#include "responders/protected_targets.h"

namespace riposte {

enum class Outcome {
  kDone,               // carried out
  kFailed,             // tried and failed (error says why)
  kTargetGone,         // the target no longer exists (or is another process now)
  kWouldHave,          // dry-run: every check passed, nothing changed
  kSkippedProtected,   // the target is on the protected list
  kRateLimited,        // the policy's rate limit was reached
  kDeduplicated,       // same rule and target acted on within the window
  kSkippedCondition,   // the step's `when` was false
  kSkippedAfterFailure,// an earlier step failed with on_failure: stop
  kUnavailable,        // no such responder in this build
};
std::string_view OutcomeName(Outcome o);
// Outcomes that count as success for `on_failure`.
bool IsSuccess(Outcome o);

struct ActionRequest {
  const AlertFacts& alert;
  const nlohmann::json& params;  // validated by ValidateParams at load
  bool dry_run = false;
  const ProtectedTargets& protection;
  std::string_view policy;
  std::string_view step = {};  // the step's id ("" for a manual action)
};

struct ActionResult {
  Outcome outcome = Outcome::kFailed;
  std::string error;
  nlohmann::ordered_json details = nlohmann::ordered_json::object();  // what it did / would do
};

class Responder {
 public:
  virtual ~Responder() = default;
  virtual std::string_view name() const = 0;
  // Checks a policy step's parameters when the policy is loaded: a message naming the
  // parameter, or Ok.
  virtual Status ValidateParams(const nlohmann::json& params) const = 0;
  // For an action the catalog lets run in the kernel (policy/action_catalog.h): whether
  // these already valid parameters are what the kernel would do. No other responder is
  // ever asked.
  virtual Status ValidateInKernel(const nlohmann::json&) const { return Error{"cannot run in the kernel"}; }
  virtual ActionResult Run(const ActionRequest& request) = 0;
};

}  // namespace riposte
