// What the latency benchmarks that drive real pods share: the binaries and source tree
// they were pointed at (the test helpers ask for them by these names), a shell, the wall
// clock, the kernel time of an alert from the alerts file, and percentiles.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "integration/agent_process.h"

namespace riposte::testing {

extern std::string g_riposte;
extern std::string g_source_dir;
// Runs a shell command; its output without the trailing newline.
std::string Shell(const std::string& command);

int64_t WallNs();
// The evt.rawtime of the first alert whose fd.name is `file`, or 0 if none yet.
int64_t AlertTime(const std::string& alerts_path, const std::string& file);

// The pod benchmarks' shared set-up in `dir`: a rule on reads of /data/trigger-* inside
// a container (alert output carries evt.rawtime), a policy answering it with `action`,
// and a configuration pointing at the test containerd (and `extra_container_keys`, a
// flow map's "key: value" entries, in its containers section), breaker off, plus
// `extra_config`.
void WriteTriggerBench(const std::string& dir, const std::string& socket, const std::string& action,
                       const std::string& extra_config = "", const std::string& extra_container_keys = "");
// The container command that reads, then removes, each /data/trigger-* as it appears.
std::vector<std::string> TriggerReaderCommand();
// `riposte run` on those files, alerts to dir/alerts.json; null (with the log printed)
// when it does not start.
std::unique_ptr<AgentProcess> StartBenchAgent(const std::string& dir, int duration_s);

struct Percentiles {
  double p50 = 0, p99 = 0, p999 = 0, max = 0;
};
Percentiles Summarise(std::vector<double> ms);

}  // namespace riposte::testing
