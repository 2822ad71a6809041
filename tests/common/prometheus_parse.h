// A strict reader of Prometheus' text format for tests: every line must be a comment
// (# HELP / # TYPE name type) or `name{label="value",...} number`, every sample's family
// must have been typed, label values must be properly escaped. What a scraper would
// refuse, this refuses, saying which line.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace riposte::testing {

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct PromParse {
  std::vector<PromSample> samples;
  std::map<std::string, std::string> types;  // family -> counter, gauge, histogram...
  std::string error;                         // empty when the text is valid

  // The value of the one sample with this name whose labels include `labels`; nullopt
  // when none; the sum when several match.
  std::optional<double> Value(const std::string& name, const std::map<std::string, std::string>& labels = {}) const;
};

PromParse ParsePrometheusText(const std::string& text);

}  // namespace riposte::testing
