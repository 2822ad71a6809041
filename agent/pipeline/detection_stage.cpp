#include "pipeline/detection_stage.h"

#include "state/process_info.h"

namespace riposte {

DetectionStage::DetectionStage(RuleEngine& engine, std::function<void(const Alert&)> outputs, ResponseWorker* worker,
                               DetectionStageOptions options)
    : engine_(engine), outputs_(std::move(outputs)), worker_(worker), options_(std::move(options)) {}

void DetectionStage::OnEvent(const Event& e, const ProcessTable& processes, int64_t wall_ns) {
  alerts_.clear();
  if (options_.first_exec_hold.count() > 0 && e.kind == EventKind::kProcessExec)
    if (const ProcessInfo* p = processes.Find(e.pid); p && p->container) p->container->WaitForInfo(options_.first_exec_hold);
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
