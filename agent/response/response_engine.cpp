#include "response/response_engine.h"

#include <spdlog/spdlog.h>

#include "audit/audit_records.h"
#include "policy/policy_matcher.h"

namespace riposte {
namespace {

// Who the policy acts on, for de-duplication: one process for its whole life, or one
// container.
std::string TargetKey(const AlertTarget& t) {
  if (t.pid) return "pid:" + std::to_string(t.pid) + "@" + std::to_string(t.start_boottime_ns);
  return "container:" + t.container_id;
}

// Responders return errors as values; this is the last line behind that. An exception
// escaping one (a library that throws, a bug) must not end the agent with the action
// unaudited: it becomes the step's failure, recorded like any other.
ActionResult RunGuarded(Responder& responder, const ActionRequest& request) {
  try {
    return responder.Run(request);
  } catch (const std::exception& e) {
    spdlog::error("responder {} threw: {}", responder.name(), e.what());
    return {Outcome::kFailed, std::string("internal error in ") + std::string(responder.name()) + ": " + e.what(), {}};
  } catch (...) {
    spdlog::error("responder {} threw a non-standard exception", responder.name());
    return {Outcome::kFailed, "internal error in " + std::string(responder.name()), {}};
  }
}

}  // namespace

nlohmann::ordered_json TargetJson(const AlertTarget& t) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  if (t.pid) j["pid"] = t.pid;
  if (t.start_boottime_ns) j["start_boottime_ns"] = t.start_boottime_ns;
  if (!t.process_name.empty()) j["process"] = t.process_name;
  if (!t.container_id.empty()) j["container_id"] = t.container_id;
  if (!t.container_name.empty()) j["container_name"] = t.container_name;
  if (!t.container_image.empty()) j["image"] = t.container_image;
  if (!t.k8s_namespace.empty()) j["namespace"] = t.k8s_namespace;
  if (!t.pod_name.empty()) j["pod"] = t.pod_name;
  if (!t.pod_uid.empty()) j["pod_uid"] = t.pod_uid;
  return j;
}

ResponseEngine::ResponseEngine(std::shared_ptr<const PolicySet> policies, ResponderRegistry& responders,
                               AuditLog& audit, ResponseOptions options, BreakerHook on_breaker)
    : policies_(std::move(policies)),
      responders_(responders),
      audit_(audit),
      force_dry_run_(options.force_dry_run),
      protection_(std::move(options.protection)),
      breaker_(options.breaker_max_per_minute, options.breaker_cooldown),
      on_breaker_(std::move(on_breaker)) {}

void ResponseEngine::SetPolicies(std::shared_ptr<const PolicySet> policies) {
  {
    std::lock_guard lock(policies_mu_);
    policies_ = std::move(policies);
  }
  std::lock_guard lock(breaker_mu_);
  breaker_.Reset();
}

std::shared_ptr<const PolicySet> ResponseEngine::policies() const {
  std::lock_guard lock(policies_mu_);
  return policies_;
}

Result<uint64_t> ResponseEngine::Audit(nlohmann::ordered_json body, bool sync) {
  auto r = audit_.Append(body, sync);
  if (!r) spdlog::error("audit log: {}", r.error().message);
  return r;
}

std::vector<StepReport> ResponseEngine::Handle(const AlertFacts& alert) {
  std::vector<StepReport> reports;
  auto set = policies();
  if (!set) return reports;
  auto chosen = SelectPolicies(*set, alert);
  if (chosen.empty()) return reports;
  AlertRecord record{alert.Reference(), TargetJson(alert.target), alert.output, {}, alert.sender};
  for (const Policy* p : chosen) record.policies.push_back(p->name);
  (void)Audit(ToJson(record), false);
  for (const Policy* p : chosen) RunPolicy(*p, alert, reports);
  return reports;
}

void ResponseEngine::RunPolicy(const Policy& policy, const AlertFacts& alert, std::vector<StepReport>& reports) {
  const auto now = std::chrono::steady_clock::now();
  const bool policy_dry_run = force_dry_run_ || policy.mode == PolicyMode::kDryRun;
  const PolicyContext context{alert.id, alert.rule, policy.name, alert.sender};

  // Policy-level gates: each skipped policy is one record saying why.
  auto skip_policy = [&](Outcome why, const std::string& reason) {
    const PolicyRecord record{context, std::string(PolicyModeName(policy_dry_run ? PolicyMode::kDryRun : policy.mode)),
                              std::string(OutcomeName(why)), reason};
    auto seq = Audit(ToJson(record), true);
    for (const auto& step : policy.actions)
      reports.push_back({policy.name, step.id, step.action, policy_dry_run, why, reason, seq ? *seq : 0});
  };
  if (auto why = protection_.TargetProtected(alert.target)) return skip_policy(Outcome::kSkippedProtected, *why);
  if (!dedup_.FirstWithin(policy.name + "\x1f" + alert.rule + "\x1f" + TargetKey(alert.target), policy.dedup_window, now))
    return skip_policy(Outcome::kDeduplicated, "same rule and target acted on within the last " +
                                                   std::to_string(policy.dedup_window.count()) + " ms");
  if (policy.rate_limit && !rate_.Allow(policy.name, policy.rate_limit->max, policy.rate_limit->per, now))
    return skip_policy(Outcome::kRateLimited, "rate limit of " + std::to_string(policy.rate_limit->max) + " per " +
                                                  std::to_string(policy.rate_limit->per.count()) + " ms reached");

  std::map<std::string, std::pair<std::string, std::string>> results;  // step id -> outcome, error
  bool stopped = false;
  for (const ActionStep& step : policy.actions) {
    ActionRecord body;
    body.context = context;
    body.step = step.id;
    body.action = step.action;
    StepReport report{policy.name, step.id, step.action, policy_dry_run, Outcome::kFailed, "", 0};
    auto finish = [&](Outcome outcome, const std::string& error, nlohmann::ordered_json details,
                      std::chrono::microseconds took) {
      ActionRecord rec = body;
      rec.phase = "result";
      rec.outcome = OutcomeName(outcome);
      if (!error.empty()) rec.error = error;
      if (!details.empty()) rec.details = std::move(details);
      rec.duration_us = took.count();
      auto seq = Audit(ToJson(rec), true);
      report.outcome = outcome;
      report.error = error;
      report.audit_seq = seq ? *seq : 0;
      report.duration = took;
      if (seq)  // reported only once it is on disk
        spdlog::info("action seq={} policy='{}' {} {} pid={} container={}: {}{}", *seq, policy.name, step.action,
                     report.dry_run ? "(dry-run)" : "", alert.target.pid, alert.target.container_id,
                     OutcomeName(outcome), error.empty() ? "" : " (" + error + ")");
      results[step.id] = {std::string(OutcomeName(outcome)), error};
      reports.push_back(report);
      if (!IsSuccess(outcome) && step.stop_on_failure) stopped = true;
    };
    if (stopped) {
      finish(Outcome::kSkippedAfterFailure, "an earlier step failed and its on_failure is stop", {}, {});
      continue;
    }
    if (step.when) {
      auto lookup = [&](const std::string& name) -> std::optional<std::string> {
        if (name.starts_with("steps.")) {
          size_t dot = name.rfind('.');
          auto it = results.find(name.substr(6, dot - 6));
          if (it == results.end()) return std::nullopt;
          return name.substr(dot + 1) == "outcome" ? it->second.first : it->second.second;
        }
        return alert.Field(name);
      };
      if (!step.when->Eval(lookup)) {
        finish(Outcome::kSkippedCondition, "", {{"when", step.when_text}}, {});
        continue;
      }
    }
    // The mode of this very action: forced, per policy, or the breaker's.
    bool dry_run = policy_dry_run;
    std::string mode_reason = force_dry_run_ ? "--dry-run" : (policy_dry_run ? "policy mode" : "");
    {
      std::lock_guard lock(breaker_mu_);
      if (!dry_run && breaker_.Tripped(now)) {
        dry_run = true;
        mode_reason = "circuit breaker";
      } else if (!dry_run && breaker_.Record(now)) {
        dry_run = true;
        mode_reason = "circuit breaker";
        std::string msg = "circuit breaker tripped: more than " + std::to_string(breaker_.max_per_minute()) +
                          " actions in a minute; every action is dry-run until the cooldown ends or a reload";
        (void)Audit(ToJson(BreakerRecord{"tripped", msg}), true);
        spdlog::critical("{}", msg);
        if (on_breaker_) on_breaker_(msg);
      }
    }
    report.dry_run = dry_run;
    body.mode = dry_run ? "dry-run" : "enforce";
    if (dry_run) body.mode_reason = mode_reason;
    body.params = step.params;
    body.target = TargetJson(alert.target);

    Responder* responder = responders_.Get(step.action);
    if (!responder) {
      finish(Outcome::kUnavailable, "responder '" + step.action + "' is not in this build", {}, {});
      continue;
    }
    ActionRecord planned = body;
    planned.phase = "planned";
    if (!Audit(ToJson(planned), false)) {
      // No record of the plan, no action: the trail must never miss what was done.
      finish(Outcome::kFailed, "the audit log cannot be written: action not taken", {}, {});
      continue;
    }
    const auto t0 = std::chrono::steady_clock::now();
    ActionResult r = RunGuarded(*responder, {alert, step.params, dry_run, protection_, policy.name, step.id});
    const auto took =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
    finish(r.outcome, r.error, std::move(r.details), took);
  }
}

}  // namespace riposte
