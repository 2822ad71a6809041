#include "pipeline/detection_stage.h"

#include "state/process_info.h"

namespace riposte {

DetectionStage::DetectionStage(RuleEngine& engine, std::function<void(const Alert&)> outputs, ResponseWorker* worker,
                               DetectionStageOptions options)
    : engine_(engine), outputs_(std::move(outputs)), worker_(worker), options_(std::move(options)) {
  if (options_.container_hold)
    hold_ = std::make_unique<ContainerEventHold>(
        *options_.container_hold,
        [this](const Event& e, const ProcessTable& processes, int64_t wall_ns) { Judge(e, processes, wall_ns); });
}

void DetectionStage::OnEvent(const Event& e, const ProcessTable& processes, int64_t wall_ns) {
  if (hold_ && hold_->Take(e, processes, wall_ns)) return;
  Judge(e, processes, wall_ns);
}

void DetectionStage::Tick() {
  if (hold_ && hold_->held()) hold_->Release(ContainerEventHold::Clock::now());
}

void DetectionStage::Drain() {
  if (hold_) hold_->ReleaseAll();
}

void DetectionStage::Judge(const Event& e, const ProcessTable& processes, int64_t wall_ns) {
  alerts_.clear();
  // One event in 256 is timed: two clock reads per event would cost more than the figure
  // is worth.
  const bool timed = (++events_ & 255) == 1 && options_.evaluation_timed;
  const auto t0 = timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  engine_.Evaluate(e, processes, wall_ns, alerts_);
  if (timed) options_.evaluation_timed(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  for (const auto& a : alerts_) {
    ++alert_counts_[{a.rule->def.name, std::string(PriorityName(a.rule->def.priority))}];
    Answer(a);
  }
}

void DetectionStage::Raise(const Alert& a) { Answer(a); }

void DetectionStage::Answer(const Alert& a) {
  outputs_(a);
  if (!worker_) return;
  AlertFacts facts = FactsFromAlert(a, options_.alert_id_prefix + std::to_string(++alerts_raised_));
  if (!worker_->Submit(facts) && options_.not_answered) options_.not_answered(facts);
}

}  // namespace riposte
