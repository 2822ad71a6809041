// Everything /metrics, /healthz and /readyz report about one running agent. Each thread
// feeds its own part: the capture thread publishes the capture's event counts and its
// alert counts, and heartbeats;
// the response thread reports steps, reloads are counted where they happen; kernel
// counters and audit write errors are read when scraped, from the sources given. Owned
// by the agent (no global registry); thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_shipper.h"
#include "evidence/flight_recorder.h"
#include "kernel/capture_engine.h"
#include "metrics/histogram.h"
#include "pipeline/detection_stage.h"
#include "pipeline/event_type_counts.h"
#include "response/response_engine.h"

namespace riposte {

struct MetricsSources {
  std::function<KernelCounters()> kernel;        // empty: no kernel counters (not attached)
  std::function<uint64_t()> audit_write_errors;  // empty: no audit log
  std::function<uint64_t()> audit_last_seq;      // empty: no audit log
  std::function<std::vector<ShipperStatus>()> audit_shipping;  // empty: nothing shipped
  std::function<std::optional<RecorderStats>()> recorder;     // empty or nothing: no flight recorder
};

class AgentMetrics {
 public:
  explicit AgentMetrics(MetricsSources sources = {});

  // Capture thread: the counts so far (copied), alerts keyed by (rule, priority).
  using AlertCounts = AlertCountsByRule;  // the detection stage's
  void PublishPipeline(const EventTypeCounts& events, const AlertCounts& alerts, const ContainerHoldCounts& hold = {});
  Histogram& rule_evaluation() { return rule_evaluation_; }  // sampled events
  void Heartbeat();

  // Response thread.
  void ObserveSteps(const std::vector<StepReport>& reports);
  void CountAlertDropped();

  void CountReload(bool ok);
  // Ready: BPF programs attached and rules loaded. The reason says what is missing.
  void SetReady(bool ready, std::string reason = {});
  bool ready(std::string* reason = nullptr) const;
  // Time since the capture loop last came round (liveness).
  std::chrono::steady_clock::duration SinceHeartbeat() const;

  // The Prometheus text of every family.
  std::string Render() const;

 private:
  MetricsSources sources_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::atomic<int64_t> heartbeat_ns_;

  mutable std::mutex mu_;
  EventTypeCounts events_;
  AlertCounts alerts_;
  ContainerHoldCounts hold_;
  bool ready_ = false;
  std::string not_ready_reason_ = "starting";
  uint64_t reloads_ok_ = 0, reloads_failed_ = 0, alerts_dropped_ = 0;
  std::map<std::pair<std::string, std::string>, uint64_t> actions_;  // (action, outcome)
  std::map<std::string, std::unique_ptr<Histogram>> action_latency_;  // per action
  Histogram rule_evaluation_{EvaluationBounds()};
};

}  // namespace riposte
