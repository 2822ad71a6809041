#include "metrics/histogram.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

namespace riposte {

Histogram::Histogram(std::vector<double> upper_bounds_s)
    : bounds_(std::move(upper_bounds_s)), counts_(bounds_.size() + 1, 0) {
  std::sort(bounds_.begin(), bounds_.end());
}

void Histogram::Observe(double seconds) {
  const size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), seconds) - bounds_.begin();
  std::lock_guard lock(mu_);
  ++counts_[i];
  sum_ += seconds;
  ++count_;
}

uint64_t Histogram::count() const {
  std::lock_guard lock(mu_);
  return count_;
}

void Histogram::Write(PrometheusText& out, std::string_view name, const MetricLabels& labels) const {
  std::vector<uint64_t> counts;
  double sum;
  uint64_t count;
  {
    std::lock_guard lock(mu_);
    counts = counts_;
    sum = sum_;
    count = count_;
  }
  const std::string base(name);
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts[i];
    MetricLabels l = labels;
    l.emplace_back("le", i < bounds_.size() ? fmt::format("{}", bounds_[i]) : "+Inf");
    out.Sample(base + "_bucket", l, static_cast<double>(cumulative));
  }
  out.Sample(base + "_sum", labels, sum);
  out.Sample(base + "_count", labels, static_cast<double>(count));
}

std::vector<double> ActionLatencyBounds() {
  return {0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

std::vector<double> EvaluationBounds() {
  return {1e-7, 2.5e-7, 5e-7, 1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 1e-4, 1e-3};
}

}  // namespace riposte
