#include "responders/responder.h"

namespace riposte {

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kDone: return "done";
    case Outcome::kFailed: return "failed";
    case Outcome::kTargetGone: return "target_gone";
    case Outcome::kWouldHave: return "would_have";
    case Outcome::kSkippedProtected: return "skipped_protected";
    case Outcome::kRateLimited: return "rate_limited";
    case Outcome::kDeduplicated: return "deduplicated";
    case Outcome::kSkippedCondition: return "skipped_condition";
    case Outcome::kSkippedAfterFailure: return "skipped_after_failure";
    case Outcome::kUnavailable: return "unavailable";
  }
  return "unknown";
}

bool IsSuccess(Outcome o) {
  return o == Outcome::kDone || o == Outcome::kWouldHave || o == Outcome::kTargetGone ||
         o == Outcome::kSkippedCondition;
}

}  // namespace riposte
