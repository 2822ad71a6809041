#include "metrics/agent_metrics.h"


namespace riposte {
namespace {

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

AgentMetrics::AgentMetrics(MetricsSources sources) : sources_(std::move(sources)), heartbeat_ns_(SteadyNs()) {}

void AgentMetrics::PublishPipeline(const EventTypeCounts& events, const AlertCounts& alerts,
                                   const ContainerHoldCounts& hold) {
  std::lock_guard lock(mu_);
  events_ = events;
  alerts_ = alerts;
  hold_ = hold;
}

void AgentMetrics::Heartbeat() { heartbeat_ns_.store(SteadyNs(), std::memory_order_relaxed); }

std::chrono::steady_clock::duration AgentMetrics::SinceHeartbeat() const {
  return std::chrono::nanoseconds(SteadyNs() - heartbeat_ns_.load(std::memory_order_relaxed));
}

void AgentMetrics::ObserveSteps(const std::vector<StepReport>& reports) {
  std::lock_guard lock(mu_);
  for (const auto& r : reports) {
    ++actions_[{r.action, std::string(OutcomeName(r.outcome))}];
    if (r.duration.count() <= 0) continue;  // the responder did not run (a skip)
    auto& h = action_latency_[r.action];
    if (!h) h = std::make_unique<Histogram>(ActionLatencyBounds());
    h->Observe(static_cast<double>(r.duration.count()) / 1e6);
  }
}

void AgentMetrics::CountAlertDropped() {
  std::lock_guard lock(mu_);
  ++alerts_dropped_;
}

void AgentMetrics::CountReload(bool ok) {
  std::lock_guard lock(mu_);
  ++(ok ? reloads_ok_ : reloads_failed_);
}

void AgentMetrics::SetReady(bool ready, std::string reason) {
  std::lock_guard lock(mu_);
  ready_ = ready;
  not_ready_reason_ = std::move(reason);
}

bool AgentMetrics::ready(std::string* reason) const {
  std::lock_guard lock(mu_);
  if (reason) *reason = not_ready_reason_;
  return ready_;
}

std::string AgentMetrics::Render() const {
  PrometheusText out;
  // Read outside the lock: a map lookup in the kernel, a mutex in the audit log.
  std::optional<KernelCounters> kernel;
  if (sources_.kernel) kernel = sources_.kernel();
  std::optional<uint64_t> audit_errors;
  if (sources_.audit_write_errors) audit_errors = sources_.audit_write_errors();
  std::vector<ShipperStatus> shipping;
  if (sources_.audit_shipping) shipping = sources_.audit_shipping();
  const uint64_t audit_seq = sources_.audit_last_seq ? sources_.audit_last_seq() : 0;
  std::optional<RecorderStats> recorder;
  if (sources_.recorder) recorder = sources_.recorder();

  std::lock_guard lock(mu_);
  out.Family("riposte_up", "gauge", "1 while the agent runs; ready says whether it is attached and has rules");
  out.Sample("riposte_up", {}, 1);
  out.Family("riposte_ready", "gauge", "1 when the BPF programs are attached and the rules are loaded");
  out.Sample("riposte_ready", {}, ready_ ? 1 : 0);
  out.Family("riposte_uptime_seconds", "gauge", "seconds since the agent started");
  out.Sample("riposte_uptime_seconds", {},
             std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());

  if (kernel) {
    out.Family("riposte_kernel_events_sent_total", "counter", "records the kernel wrote to the ring buffer, per CPU");
    for (size_t cpu = 0; cpu < kernel->sent_per_cpu.size(); ++cpu)
      out.Sample("riposte_kernel_events_sent_total", {{"cpu", std::to_string(cpu)}},
                 static_cast<double>(kernel->sent_per_cpu[cpu]));
    out.Family("riposte_kernel_events_dropped_total", "counter",
               "records lost because the ring buffer was full, per CPU");
    for (size_t cpu = 0; cpu < kernel->dropped_per_cpu.size(); ++cpu)
      out.Sample("riposte_kernel_events_dropped_total", {{"cpu", std::to_string(cpu)}},
                 static_cast<double>(kernel->dropped_per_cpu[cpu]));
    out.Family("riposte_kernel_stash_failures_total", "counter",
               "records sent without their parameters (no room to stash the syscall's entry)");
    out.Sample("riposte_kernel_stash_failures_total", {}, static_cast<double>(kernel->stash_failures));
    out.Family("riposte_kernel_records_left_out_total", "counter",
               "records the kernel record filter left out (no loaded rule could match them)");
    out.Sample("riposte_kernel_records_left_out_total", {}, static_cast<double>(kernel->filtered));
    out.Family("riposte_kernel_syscall_records_total", "counter",
               "records of each captured syscall the kernel sent or left out");
    for (const auto& [name, n] : kernel->per_syscall) {
      out.Sample("riposte_kernel_syscall_records_total", {{"syscall", name}, {"outcome", "sent"}},
                 static_cast<double>(n.sent));
      out.Sample("riposte_kernel_syscall_records_total", {{"syscall", name}, {"outcome", "left_out"}},
                 static_cast<double>(n.filtered));
    }
    out.Family("riposte_kernel_kills_total", "counter", "processes killed in the kernel by an in-kernel kill selector");
    out.Sample("riposte_kernel_kills_total", {}, static_cast<double>(kernel->kernel_kills));
  }

  out.Family("riposte_events_total", "counter", "events decoded by the agent");
  out.Sample("riposte_events_total", {}, static_cast<double>(events_.events));
  out.Family("riposte_events_by_type_total", "counter", "events decoded by the agent, per syscall or process event");
  for (const auto& [type, n] : events_.ByName())
    out.Sample("riposte_events_by_type_total", {{"type", type}}, static_cast<double>(n));

  out.Family("riposte_alerts_total", "counter", "alerts raised, per rule and priority");
  for (const auto& [key, n] : alerts_)
    out.Sample("riposte_alerts_total", {{"rule", key.first}, {"priority", key.second}}, static_cast<double>(n));
  out.Family("riposte_alerts_dropped_total", "counter", "alerts not answered because the response queue was full");
  out.Sample("riposte_alerts_dropped_total", {}, static_cast<double>(alerts_dropped_));

  out.Family("riposte_container_hold_containers_total", "counter",
             "containers whose first events were held until the runtime described them");
  out.Sample("riposte_container_hold_containers_total", {}, static_cast<double>(hold_.containers));
  out.Family("riposte_container_hold_events_total", "counter",
             "events held for their container's description, by how they were judged (described: with it; "
             "undescribed: the wait ran out, or the runtime could not describe the container)");
  out.Sample("riposte_container_hold_events_total", {{"judged", "described"}}, static_cast<double>(hold_.described));
  out.Sample("riposte_container_hold_events_total", {{"judged", "undescribed"}}, static_cast<double>(hold_.undescribed));

  if (recorder) {
    out.Family("riposte_flight_recorder_bytes", "gauge", "memory the flight recorder's ring holds (whole blocks)");
    out.Sample("riposte_flight_recorder_bytes", {}, static_cast<double>(recorder->bytes_held));
    out.Family("riposte_flight_recorder_records", "gauge", "kernel records the flight recorder holds now");
    out.Sample("riposte_flight_recorder_records", {}, static_cast<double>(recorder->records_held));
    out.Family("riposte_evidence_captures_total", "counter", "captures started and closed (file written) by capture steps");
    out.Sample("riposte_evidence_captures_total", {{"state", "started"}}, static_cast<double>(recorder->captures_started));
    out.Sample("riposte_evidence_captures_total", {{"state", "closed"}}, static_cast<double>(recorder->captures_closed));
    out.Family("riposte_evidence_captures_active", "gauge", "captures still taking records");
    out.Sample("riposte_evidence_captures_active", {}, static_cast<double>(recorder->captures_active));
  }

  out.Family("riposte_rule_evaluation_seconds", "histogram",
             "time to evaluate every rule against one event (the first event and one in 256 after it are timed)");
  rule_evaluation_.Write(out, "riposte_rule_evaluation_seconds", {});

  out.Family("riposte_actions_total", "counter", "policy steps, per action and outcome (would_have: dry-run)");
  for (const auto& [key, n] : actions_)
    out.Sample("riposte_actions_total", {{"action", key.first}, {"outcome", key.second}}, static_cast<double>(n));
  out.Family("riposte_action_duration_seconds", "histogram", "time a responder took, per action");
  for (const auto& [action, h] : action_latency_) h->Write(out, "riposte_action_duration_seconds", {{"action", action}});

  if (audit_errors) {
    out.Family("riposte_audit_write_errors_total", "counter", "audit records that could not be written");
    out.Sample("riposte_audit_write_errors_total", {}, static_cast<double>(*audit_errors));
  }
  if (!shipping.empty()) {
    out.Family("riposte_audit_ship_acked_seq", "gauge", "the last audit record known delivered to the collector");
    for (const auto& sh : shipping) out.Sample("riposte_audit_ship_acked_seq", {{"target", sh.name}}, static_cast<double>(sh.acked_seq));
    out.Family("riposte_audit_ship_lag_records", "gauge", "audit records not yet known delivered to the collector");
    for (const auto& sh : shipping)
      out.Sample("riposte_audit_ship_lag_records", {{"target", sh.name}},
                 static_cast<double>(audit_seq > sh.acked_seq ? audit_seq - sh.acked_seq : 0));
    out.Family("riposte_audit_ship_failures_total", "counter", "connections to the collector that failed");
    for (const auto& sh : shipping) out.Sample("riposte_audit_ship_failures_total", {{"target", sh.name}}, static_cast<double>(sh.failures));
    out.Family("riposte_audit_ship_resent_total", "counter", "audit records sent again after a failure");
    for (const auto& sh : shipping) out.Sample("riposte_audit_ship_resent_total", {{"target", sh.name}}, static_cast<double>(sh.resent));
    out.Family("riposte_audit_ship_connected", "gauge", "1 while connected to the collector");
    for (const auto& sh : shipping) out.Sample("riposte_audit_ship_connected", {{"target", sh.name}}, sh.connected ? 1 : 0);
  }
  out.Family("riposte_reloads_total", "counter", "rule and policy reloads, per result");
  out.Sample("riposte_reloads_total", {{"result", "success"}}, static_cast<double>(reloads_ok_));
  out.Sample("riposte_reloads_total", {{"result", "failure"}}, static_cast<double>(reloads_failed_));
  return out.text();
}

}  // namespace riposte
