// The live pipeline's detection stage: each event, with its state attached, through the
// rule engine; each alert to the alert outputs and, when policies answer, as AlertFacts
// (a copy that outlives a reload) to the response worker. It runs on the capture loop's
// thread and owns none; the agent (daemon/agent.h) composes it and publishes its counts.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/container_event_hold.h"
#include "pipeline/response_worker.h"
#include "policy/alert_facts.h"
#include "rules/rule_engine.h"
#include "state/process_table.h"

namespace riposte {

// Alerts by (rule, priority) since the start: the capture thread's own.
using AlertCountsByRule = std::map<std::pair<std::string, std::string>, uint64_t>;

struct DetectionStageOptions {
  // A container's first events can outrun the runtime's description: they are held
  // (pipeline/container_event_hold.h) rather than judged without it. None: no hold (no
  // container directory, as in a replay).
  std::optional<ContainerHoldLimits> container_hold;
  // Alert ids: this, then a counter (unique per agent run).
  std::string alert_id_prefix;
  // Called for one event in 256 with its rule evaluation time in seconds.
  std::function<void(double)> evaluation_timed;
  // An alert the response worker refused (its queue full): it will not be answered.
  std::function<void(const AlertFacts&)> not_answered;
};

class DetectionStage {
 public:
  // `outputs` writes an alert to every alert sink; `worker` is null without policies.
  DetectionStage(RuleEngine& engine, std::function<void(const Alert&)> outputs, ResponseWorker* worker,
                 DetectionStageOptions options);
  DetectionStage(const DetectionStage&) = delete;  // the hold calls back into this object
  DetectionStage& operator=(const DetectionStage&) = delete;

  void OnEvent(const Event& event, const ProcessTable& processes, int64_t wall_ns);
  // Between ring buffer passes: judges held events whose container is now described (or
  // whose wait ran out).
  void Tick();
  // The agent is stopping: judges whatever is still held.
  void Drain();
  // An alert of the agent's own (source "riposte"): the same outputs and the same answer,
  // not counted among the rules' alerts.
  void Raise(const Alert& alert);

  const AlertCountsByRule& alert_counts() const { return alert_counts_; }
  // What the container hold did (zero without one).
  ContainerHoldCounts hold_counts() const { return hold_ ? hold_->counts() : ContainerHoldCounts{}; }

 private:
  void Judge(const Event& event, const ProcessTable& processes, int64_t wall_ns);
  void Answer(const Alert& alert);

  RuleEngine& engine_;
  std::function<void(const Alert&)> outputs_;
  ResponseWorker* worker_;
  DetectionStageOptions options_;
  std::unique_ptr<ContainerEventHold> hold_;
  std::vector<Alert> alerts_;
  AlertCountsByRule alert_counts_;
  uint64_t events_ = 0;
  uint64_t alerts_raised_ = 0;
};

}  // namespace riposte
