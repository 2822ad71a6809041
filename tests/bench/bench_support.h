// What the latency benchmarks that drive real pods share: the binaries and source tree
// they were pointed at (the test helpers ask for them by these names), a shell, the wall
// clock, the kernel time of an alert from the alerts file, and percentiles.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace riposte::testing {

extern std::string g_riposte;
extern std::string g_source_dir;
// Runs a shell command; its output without the trailing newline.
std::string Shell(const std::string& command);

int64_t WallNs();
// The evt.rawtime of the first alert whose fd.name is `file`, or 0 if none yet.
int64_t AlertTime(const std::string& alerts_path, const std::string& file);

struct Percentiles {
  double p50 = 0, p99 = 0, max = 0;
};
Percentiles Summarise(std::vector<double> ms);

}  // namespace riposte::testing
