// Writes Prometheus' text exposition format (0.0.4): a HELP and TYPE line per family,
// then its samples. Label values are escaped as the format requires, so rule names with
// quotes or backslashes come out intact.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace riposte {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class PrometheusText {
 public:
  // type: counter, gauge, histogram.
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, const MetricLabels& labels, double value);
  const std::string& text() const { return out_; }

 private:
  std::string out_;
};

// Backslash, double quote and newline escaped.
std::string EscapeLabelValue(std::string_view value);

}  // namespace riposte
