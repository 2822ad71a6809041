#include "responders/container_stop.h"

#include <csignal>

#include "responders/step_params.h"
#include "responders/process_kill.h"

namespace riposte {
namespace {

int SignalParam(const nlohmann::json& params) {
  if (params.is_object() && params.contains("signal")) return ParseSignal(params["signal"]).value_or(SIGKILL);
  return SIGKILL;
}

std::string Ms(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

}  // namespace

Status ContainerStopResponder::ValidateParams(const nlohmann::json& params) const {
  for (const auto& [key, value] : params.items()) {
    if (key == "grace_period")  // the only one the catalogue lets through
      if (Status s = CheckDuration(value, key); !s) return s;
  }
  return Status::Ok();
}

std::string ContainerStopResponder::Plan(const nlohmann::json& params) const {
  return "SIGTERM the container's init process, SIGKILL every process after " +
         Ms(DurationParam(params, "grace_period", std::chrono::seconds(10)));
}

void ContainerStopResponder::Act(const Target& t, const nlohmann::json& params, ActionResult& r) {
  ContainerControl& control = *t.control;
  const auto grace = DurationParam(params, "grace_period", std::chrono::seconds(10));
  r.details["grace_period_ms"] = grace.count();
  // An engine that sequences the stop itself (dockerd, podman) is asked to: its own view
  // of the container then says why it exited. It takes whole seconds, rounded up.
  const auto grace_s = std::chrono::ceil<std::chrono::seconds>(grace);
  if (control.StopsGracefully()) {
    ChangeAndVerify([&] { return control.Stop(t.info, grace_s); }, t, TaskStatus::kStopped, std::chrono::seconds(5), r);
    r.details["stopped_by"] = std::string(control.engine());
    return;
  }
  const bool paused = t.task.status == TaskStatus::kPaused || t.task.status == TaskStatus::kPausing;
  auto signal_then_thaw = [&](int sig, bool all) -> Status {
    Status s = control.Signal(t.info, sig, all);
    // A frozen process cannot act on (or die of) a signal until thawed.
    if (s && paused) (void)control.Resume(t.info);
    return s;
  };
  ChangeAndVerify([&] { return signal_then_thaw(SIGTERM, false); }, t, TaskStatus::kStopped, grace, r);
  if (r.outcome != Outcome::kFailed || r.details.value("status_after", "") == "") {
    r.details["escalated_to_sigkill"] = false;
    return;
  }
  r.details["escalated_to_sigkill"] = true;
  r.error.clear();
  ChangeAndVerify([&] { return signal_then_thaw(SIGKILL, true); }, t, TaskStatus::kStopped, std::chrono::seconds(5), r);
}

Status ContainerKillResponder::ValidateParams(const nlohmann::json& params) const {
  for (const auto& [key, value] : params.items()) {
    if (key == "signal") {
      if (!ParseSignal(value)) return Error{"signal must be a signal name (SIGKILL, TERM) or number, not " + value.dump()};
    } else if (key == "wait") {
      if (Status s = CheckDuration(value, key); !s) return s;
    }
  }
  return Status::Ok();
}

std::string ContainerKillResponder::Plan(const nlohmann::json& params) const {
  return "send signal " + std::to_string(SignalParam(params)) + " to every process of the container";
}

void ContainerKillResponder::Act(const Target& t, const nlohmann::json& params, ActionResult& r) {
  ContainerControl& control = *t.control;
  const int sig = SignalParam(params);
  const bool paused = t.task.status == TaskStatus::kPaused || t.task.status == TaskStatus::kPausing;
  r.details["signal"] = sig;
  // A Docker-API engine signals the container's init only; SIGKILL of a pid namespace's
  // init ends every process in it all the same.
  if (!control.SignalsEveryProcess()) r.details["signalled"] = "the container's init process";
  auto send = [&]() -> Status {
    Status s = control.Signal(t.info, sig, /*all=*/true);
    if (s && paused && sig == SIGKILL) (void)control.Resume(t.info);
    return s;
  };
  if (sig != SIGKILL) {
    int attempts = 0;
    Status s = RetryWhileUnavailable(send, &attempts);
    r.outcome = s ? Outcome::kDone : (s.error().kind == ErrorKind::kNotFound ? Outcome::kTargetGone : Outcome::kFailed);
    if (!s) r.error = s.error().message;
    return;
  }
  ChangeAndVerify(send, t, TaskStatus::kStopped, DurationParam(params, "wait", std::chrono::seconds(2)), r);
}

}  // namespace riposte
