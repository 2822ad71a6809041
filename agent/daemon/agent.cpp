#include "daemon/agent.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>

#include <spdlog/spdlog.h>

#include "audit/audit_records.h"
#include "common/host_name.h"
#include "common/wall_time.h"
#include "evidence/flight_recorder.h"
#include "kernel/syscall_table.h"
#include "metrics/agent_metrics.h"
#include "metrics/ops_server.h"
#include "pipeline/detection_stage.h"
#include "pipeline/drop_alarm.h"
#include "pipeline/file_watcher.h"
#include "pipeline/live_capture.h"
#include "pipeline/response_worker.h"
#include "policy/kernel_kill_plan.h"
#include "rules/kernel_filter_derivation.h"
#include "rules/rule_engine.h"
#include "version.h"

namespace riposte {
class Agent::Impl {
 public:
  Impl(const AgentConfig& config, const RunRequest& args, Detection detection)
      : config_(config),
        args_(args),
        detection_(std::move(detection)),
        metrics_(MetricsSources{[this] {
                                  LiveCapture* live = live_for_metrics_.load();
                                  return live ? live->kernel_counters() : KernelCounters{};
                                },
                                [this] {
                                  AuditLog* audit = audit_for_metrics_.load();
                                  return audit ? audit->write_errors() : 0;
                                },
                                [this] {
                                  AuditLog* audit = audit_for_metrics_.load();
                                  return audit ? audit->last_seq() : 0;
                                },
                                [this] {
                                  std::vector<ShipperStatus> out;
                                  if (const auto* shippers = shippers_for_metrics_.load())
                                    for (const auto& s : *shippers) out.push_back(s->status());
                                  return out;
                                },
                                [this]() -> std::optional<RecorderStats> {
                                  FlightRecorder* recorder = recorder_for_metrics_.load();
                                  if (!recorder) return std::nullopt;
                                  return recorder->stats();
                                }}) {}

  int Run() {
    // The operations endpoints answer from the start: not ready until attached.
    std::unique_ptr<OpsServer> ops;
    if (!config_.ops_listen.empty()) {
      metrics_.SetReady(false, "loading BPF programs");
      auto started = OpsServer::Start(config_.ops_listen, metrics_);
      if (!started) {
        spdlog::error("{}", started.error().message);
        return 2;
      }
      ops = std::move(*started);
      spdlog::info("operations endpoints on http://{}/ (healthz, readyz, metrics)", config_.ops_listen);
    }
    containers_ = StartContainerDirectory(config_);
    const TimeBase time = TimeBase::Now();
    if (config_.recorder_enabled) {
      RecorderLimits limits;
      limits.window = std::chrono::seconds(config_.recorder_window_s);
      limits.max_bytes = uint64_t{config_.recorder_max_mb} << 20;
      recorder_ = std::make_unique<FlightRecorder>(limits, time.wall_minus_boot_ns,
                                                   [this](const CaptureClosed& c) { AuditCaptureClosed(c); });
    }
    auto response = SetUpResponse(args_.response, config_, [this](const std::string&) { breaker_tripped_ = true; },
                                  containers_.get(), recorder_.get());
    if (!response) {
      spdlog::error("{}", response.error().message);
      return 2;
    }
    response_ = std::move(*response);
    if (!response_) spdlog::info("no policies: detection only (pass --policies to answer alerts)");
    if (!response_) recorder_.reset();  // nothing would ever take a capture from it
    if (recorder_) {
      recorder_for_metrics_ = recorder_.get();
      spdlog::info("flight recorder: the last {} s of records, at most {} MiB, for capture steps (evidence in {})",
                   config_.recorder_window_s, config_.recorder_max_mb, config_.evidence_dir);
    }
    if (response_) audit_for_metrics_ = response_->audit.get();
    if (response_) shippers_for_metrics_ = &response_->shippers;

    LiveCaptureOptions options;
    options.syscalls = CapturedSyscallsForRules(*detection_.rules);
    options.ring_buffer_bytes = config_.ring_buffer_mb << 20;
    options.force_hash_stash = args_.force_hash_stash;
    options.containers = containers_.get();
    if (args_.duration.count() > 0) options.duration = args_.duration;  // zero: until a signal
    auto live = LiveCapture::Start(config_, options);
    if (!live) {
      spdlog::error("{}", live.error().message);
      return 1;
    }
    live_ = std::move(*live);
    live_for_metrics_ = live_.get();
    if (response_) ProgramKernelKills(*response_->engine->policies());
    ProgramRecordFilter(*detection_.rules, response_ ? response_->engine->policies().get() : nullptr);

    RuleEngine engine(detection_.rules, detection_.min_priority, HostName());
    engine_ = &engine;
    std::unique_ptr<ResponseWorker> worker;
    if (response_) {
      worker = std::make_unique<ResponseWorker>(
          *response_->engine, [dir = containers_.get()](AlertFacts& a) { CompleteAlertTarget(dir, a); },
          [this](const AlertFacts&, const std::vector<StepReport>& reports) { metrics_.ObserveSteps(reports); });
      AgentStartRecord start;
      start.version = kVersion;
      start.dry_run_forced = response_->force_dry_run;
      start.policy_files = response_->engine->policies()->files;
      start.in_kernel_selectors = kernel_selectors_;
      Audit(ToJson(start));
    }
    std::vector<std::string> watched = detection_.rule_paths;
    if (response_) watched.insert(watched.end(), response_->policy_paths.begin(), response_->policy_paths.end());
    std::unique_ptr<FileWatcher> watcher;
    if (config_.watch_files) watcher = std::make_unique<FileWatcher>(watched);

    // Alert ids: unique per agent run (start time in ms, pid), then a counter.
    const std::string id_prefix = fmt::format("{:x}.{}-", time.ToWall(0) / 1000000, getpid());
    DetectionStageOptions stage_options;
    if (containers_) stage_options.container_hold = ContainerHoldLimits{};
    stage_options.alert_id_prefix = id_prefix;
    stage_options.evaluation_timed = [this](double seconds) { metrics_.rule_evaluation().Observe(seconds); };
    stage_options.not_answered = [this](const AlertFacts& facts) {
      metrics_.CountAlertDropped();
      Audit(ToJson(AlertDroppedRecord{facts.Reference(), "response queue full"}));
    };
    DetectionStage detect(engine, [this](const Alert& a) { detection_.Emit(a); }, worker.get(), std::move(stage_options));
    const StateTracker& state = live_->state();
    const EventTypeCounts& event_counts = live_->counters().types;
    auto last_publish = std::chrono::steady_clock::now();
    DropAlarm drops(DropOptions());
    auto on_drops = [&](const DropAlarm::Report& report) {
      Audit(ToJson(KernelDropsRecord{report.dropped, report.total_dropped, report.sent}));
      if (drops.options().log) spdlog::critical("{}", report.Text());
      if (drops.options().alert) {
        Alert a = InternalAlert(drop_rule_, kDropRuleName, drops.options().priority, {"riposte", "drops"},
                                report.Text());
        a.output_fields = {{"riposte.dropped", report.dropped},
                           {"riposte.total_dropped", report.total_dropped},
                           {"riposte.sent", report.sent}};
        detect.Raise(a);
      }
      if (drops.options().exit) {
        spdlog::critical("syscall_event_drops: exit is configured: stopping");
        exit_code_ = 1;
        raise(SIGTERM);
      }
    };
    metrics_.SetReady(true);
    spdlog::info("riposte is running");
    // The header of the capture files the flight recorder writes (as `capture --write`'s).
    capture_header_ = {{"time_base_ns", time.wall_minus_boot_ns}, {"hostname", HostName()},
                       {"syscalls", live_->enabled_syscalls()}};
    FlightRecorder* recorder = recorder_.get();
    auto st = live_->Run(
        nullptr,
        [&](const Event& e) {
          if (recorder) recorder->Record(e);
          detect.OnEvent(e, state.processes(), time.ToWall(e.ts_boot_ns));
        },
        [&](bool sighup) {
          detect.Tick();
          if (recorder) recorder->Service(state.processes(), capture_header_);
          detection_.Flush();
          metrics_.Heartbeat();
          const auto now = std::chrono::steady_clock::now();
          if (now - last_publish >= std::chrono::seconds(1)) {
            metrics_.PublishPipeline(event_counts, detect.alert_counts(), detect.hold_counts());
            last_publish = now;
            const KernelCounters k = live_->kernel_counters();
            if (auto report = drops.Check(k.dropped_ring_full, k.sent, now)) on_drops(*report);
            if (response_)
              if (auto sealed = response_->audit->Tick(); !sealed)
                spdlog::error("audit log: {}", sealed.error().message);
          }
          if (breaker_tripped_.exchange(false)) OnBreakerTripped();
          if (sighup || (watcher && watcher->Settled())) Reload(sighup ? "SIGHUP" : "file change");
        });
    detect.Drain();
    detection_.Flush();
    metrics_.SetReady(false, "stopping");
    metrics_.PublishPipeline(event_counts, detect.alert_counts(), detect.hold_counts());
    uint64_t total = 0;
    for (const auto& [rule, n] : engine.alerts_per_rule()) total += n;
    auto counters = live_->kernel_counters();
    // Running captures end now and are written (and audited) before the stop record; a
    // capture step still queued fails, saying the agent is stopping.
    if (recorder_) {
      recorder_->Stop();
      const RecorderStats rs = recorder_->stats();
      spdlog::info("flight recorder: {} records in {:.1f} MiB held at stop; {} captures started, {} closed",
                   rs.records_held, rs.bytes_held / 1048576.0, rs.captures_started, rs.captures_closed);
    }
    worker.reset();  // answers what is queued before the stop record
    if (response_) Audit(ToJson(AgentStopRecord{std::nullopt, total, counters.kernel_kills}));
    spdlog::info("stopped: {} events, {} alerts, {} records dropped by the kernel, {} left out by the kernel record "
                 "filter, {} in-kernel kills",
                 engine.events(), total, counters.dropped_ring_full, counters.filtered, counters.kernel_kills);
    if (const ContainerHoldCounts hold = detect.hold_counts(); hold.events)
      spdlog::info("container hold: {} events of {} containers held for their description, {} judged with it, {} "
                   "without it",
                   hold.events, hold.containers, hold.described, hold.undescribed);
    if (!st) {
      spdlog::error("{}", st.error().message);
      return 1;
    }
    return exit_code_;
  }

 private:
  void Audit(const nlohmann::ordered_json& body) {
    if (!response_) return;
    if (auto r = response_->audit->Append(body); !r) spdlog::error("audit log: {}", r.error().message);
  }

  static bool HasCaptureStep(const PolicySet& policies) {
    for (const auto& p : policies.policies)
      for (const auto& step : p.actions)
        if (step.action == "capture") return true;
    return false;
  }

  // A capture closed (on the recorder's writer thread): its file, hash and contents in the trail.
  void AuditCaptureClosed(const CaptureClosed& c) {
    EvidenceRecord r;
    r.context.alert_id = c.spec.alert_id;
    if (c.spec.meta.contains("alert")) r.context.rule = c.spec.meta["alert"].value("rule", "");
    r.context.policy = c.spec.policy;
    r.step = c.spec.step;
    r.path = c.spec.path;
    r.sha256 = c.sha256;
    r.size = c.size;
    r.scope = std::string(CaptureScopeName(c.spec.scope));
    r.events = c.events;
    r.processes = c.processes;
    if (c.first_wall_ns) r.first = FormatRfc3339(c.first_wall_ns);
    if (c.last_wall_ns) r.last = FormatRfc3339(c.last_wall_ns);
    r.truncated = c.truncated;
    if (!c.cut_short.empty()) r.cut_short = c.cut_short;
    if (!c.error.empty()) r.error = c.error;
    Audit(ToJson(r));
  }

  // The in-kernel kill path: enforce policies' in_kernel selectors, when the kernel can.
  void ProgramKernelKills(const PolicySet& policies) {
    auto plan = PlanKernelKills(policies, response_->force_dry_run || breaker_open_);
    kernel_selectors_ = 0;
    if (!plan.rules.empty() && !config_.in_kernel_kill) {
      spdlog::info("in-kernel kill: disabled by configuration; {} selectors run in userspace", plan.rules.size());
      plan.rules.clear();
    } else if (!plan.rules.empty() && !live_->features().send_signal) {
      spdlog::warn("in-kernel kill: bpf_send_signal unavailable; {} selectors fall back to the userspace kill",
                   plan.rules.size());
      plan.rules.clear();
    }
    const auto protected_binaries = response_->engine->protection().executables().Identities();
    if (auto st = live_->engine().SetKillRules(plan.rules, protected_binaries); !st) {
      spdlog::error("in-kernel kill: {}; falling back to the userspace kill", st.error().message);
      (void)live_->engine().SetKillRules({}, {});
      return;
    }
    kernel_selectors_ = plan.rules.size();
    for (const auto& s : plan.sources) spdlog::info("in-kernel kill selector: {}", s);
    if (!plan.rules.empty() && (!config_.protection.namespaces.empty() || !config_.protection.images.empty()))
      spdlog::warn("in-kernel kill selectors cannot see Kubernetes namespaces or images: the protected namespaces "
                   "and images are honoured by the userspace path only");
  }

  // The kernel record filter: leave out in the kernel what no loaded rule can match.
  void ProgramRecordFilter(const RuleSet& rules, const PolicySet* policies) {
    if (!config_.kernel_filter) {
      spdlog::info("kernel record filter: off by configuration: every record of a captured syscall is sent");
      return;
    }
    if (recorder_ && config_.recorder_all_records && policies && HasCaptureStep(*policies)) {
      spdlog::info("kernel record filter: off: a policy takes captures, and the flight recorder keeps every record of "
                   "the captured syscalls (evidence.recorder.all_records)");
      return;
    }
    auto derived = DeriveRecordFilter(rules, live_->enabled_syscalls());
    for (const auto& note : derived.notes) spdlog::info("kernel record filter: {}", note);
    if (auto st = live_->engine().SetRecordFilter(derived.plan); !st) {
      spdlog::error("kernel record filter: {}; every record is sent", st.error().message);
      return;
    }
    std::vector<std::string> filtered;
    for (const auto& [name, f] : derived.plan.open) filtered.push_back(name);
    if (derived.plan.close_untracked) filtered.emplace_back("close");
    if (filtered.empty()) spdlog::info("kernel record filter: nothing can be left out for these rules");
    else spdlog::info("kernel record filter: on for {}", fmt::join(filtered, ","));
  }

  void OnBreakerTripped() {
    breaker_open_ = true;
    if (kernel_selectors_) {
      (void)live_->engine().SetKillRules({}, {});
      kernel_selectors_ = 0;
      spdlog::critical("circuit breaker: in-kernel kill selectors removed");
    }
    // The breaker speaks through the same alert outputs as the rules.
    detection_.Emit(InternalAlert(breaker_rule_, "riposte circuit breaker tripped", Priority::kCritical,
                                  {"riposte", "circuit_breaker"},
                                  "riposte circuit breaker tripped: too many actions per minute; every policy now "
                                  "runs in dry-run"));
  }

  // An alert of the agent's own (source "riposte"), through the same outputs as the rules'.
  static Alert InternalAlert(CompiledRule& rule, const std::string& name, Priority priority,
                             std::vector<std::string> tags, std::string output) {
    rule.def.name = name;
    rule.def.priority = priority;
    rule.def.source = "riposte";
    rule.def.tags = std::move(tags);
    Alert a;
    a.rule = &rule;
    a.time_ns = TimeBase::Now().ToWall(0);
    a.hostname = HostName();
    a.output = std::move(output);
    a.output_fields = nlohmann::json::object();
    return a;
  }

  DropAlarmOptions DropOptions() const {
    DropAlarmOptions o;
    auto has = [&](const char* a) {
      return std::find(config_.drop_actions.begin(), config_.drop_actions.end(), a) != config_.drop_actions.end();
    };
    o.log = has("log");
    o.alert = has("alert");
    o.exit = has("exit");
    o.priority = ParsePriority(config_.drop_priority).value_or(Priority::kCritical);
    o.interval = std::chrono::seconds(config_.drop_interval_s);
    return o;
  }

  void Reload(const std::string& why) {
    spdlog::info("reloading rules and policies ({})", why);
    auto rules = LoadRuleSet(detection_.rule_paths, config_.append_output);
    std::shared_ptr<const PolicySet> policies;
    std::string error;
    if (!rules) error = rules.error().message;
    if (rules && response_) {
      auto p = LoadPolicySet(response_->policy_paths, *response_->responders);
      if (!p) error = p.error().message;
      else policies = *p;
    }
    if (!error.empty()) {
      spdlog::error("reload refused: {}; the previous rules and policies stay active", error);
      metrics_.CountReload(false);
      Audit(ToJson(ReloadRecord{"refused", why, error, std::nullopt}));
      return;
    }
    // The old filter is lifted and what it let through handled under the old rules before
    // the new rules take over; the new filter comes in only once they are in force.
    if (auto st = live_->engine().SetRecordFilter({}); !st) spdlog::error("reload: {}", st.error().message);
    if (auto st = live_->Drain(); !st) spdlog::error("reload: {}", st.error().message);
    engine_->Swap(*rules);
    detection_.rules = *rules;
    if (auto st = live_->SetSyscalls(CapturedSyscallsForRules(**rules)); !st)
      spdlog::error("reload: {}", st.error().message);
    capture_header_["syscalls"] = live_->enabled_syscalls();
    ProgramRecordFilter(**rules, policies.get());  // null without a response side
    if (response_) {
      response_->engine->SetPolicies(policies);
      breaker_open_ = false;
      ProgramKernelKills(*policies);
    }
    metrics_.CountReload(true);
    Audit(ToJson(ReloadRecord{"done", why, std::nullopt, kernel_selectors_}));
    spdlog::info("reload done");
  }

  const AgentConfig config_;  // copies: the agent owns what it runs from
  const RunRequest args_;
  Detection detection_;
  std::unique_ptr<ContainerDirectory> containers_;  // before response_: its responders use it
  std::unique_ptr<Response> response_;
  // After response_: destroyed (stopped) first, while the audit log its captures go to exists.
  std::unique_ptr<FlightRecorder> recorder_;
  nlohmann::json capture_header_;  // the header of the recorder's capture files
  std::unique_ptr<LiveCapture> live_;
  RuleEngine* engine_ = nullptr;
  std::atomic<bool> breaker_tripped_{false};
  bool breaker_open_ = false;
  size_t kernel_selectors_ = 0;
  CompiledRule breaker_rule_;
  CompiledRule drop_rule_;
  int exit_code_ = 0;
  // What the metrics endpoint may read from its own thread, set once each exists.
  std::atomic<LiveCapture*> live_for_metrics_{nullptr};
  std::atomic<AuditLog*> audit_for_metrics_{nullptr};
  std::atomic<FlightRecorder*> recorder_for_metrics_{nullptr};
  std::atomic<const std::vector<std::unique_ptr<AuditShipper>>*> shippers_for_metrics_{nullptr};
  AgentMetrics metrics_;
};

Agent::Agent(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Agent::~Agent() = default;

Result<std::unique_ptr<Agent>> Agent::Create(const AgentConfig& config, const RunRequest& request) {
  auto detection = SetUpDetection(request.detection, config);
  if (!detection) return detection.error();
  return std::unique_ptr<Agent>(new Agent(std::make_unique<Impl>(config, request, std::move(*detection))));
}

int Agent::Run() { return impl_->Run(); }

}  // namespace riposte
