// A latency histogram with fixed upper bounds (seconds), as Prometheus reads them:
// cumulative bucket counts, a sum and a count. Observed from one thread, read from
// another (the metrics endpoint): a mutex, since observations are few (one per action,
// or one in many events).
#pragma once

#include <cstdint>
#include <mutex>
#include <string_view>
#include <vector>

#include "metrics/prometheus_text.h"

namespace riposte {

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds_s);
  void Observe(double seconds);
  // The family's samples (name_bucket, name_sum, name_count) with these labels.
  void Write(PrometheusText& out, std::string_view name, const MetricLabels& labels) const;
  uint64_t count() const;

 private:
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<uint64_t> counts_;  // per bound, not cumulative; the last is +Inf
  double sum_ = 0;
  uint64_t count_ = 0;
};

// Bounds for responder latency: 100 µs to 30 s.
std::vector<double> ActionLatencyBounds();
// Bounds for one event's rule evaluation: 100 ns to 1 ms.
std::vector<double> EvaluationBounds();

}  // namespace riposte
