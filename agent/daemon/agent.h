// The running agent: the one owner of everything `riposte run` is. From one validated
// configuration it composes capture -> decode -> state -> rules -> alert outputs -> the
// response worker -> responders -> audit; it owns reload (rules, policies, the kernel's
// syscall set and in-kernel kill selectors, swapped together or not at all), the circuit
// breaker's hand-off to the kernel, the drop alarm, the metrics it publishes, and the
// ordered shutdown (the response queue drained before the stop record).
#pragma once

#include <chrono>
#include <memory>

#include "config/agent_config.h"
#include "daemon/detection_setup.h"
#include "daemon/response_setup.h"

namespace riposte {

// What the operator asked `run` for; empty parts fall back to the configuration.
struct RunRequest {
  DetectionRequest detection;
  ResponseRequest response;
  std::chrono::milliseconds duration{0};  // 0: until SIGINT or SIGTERM
  // The kernel's per-thread and per-process state in hash maps even where task storage
  // works: what older kernels get, for tests and comparison.
  bool force_hash_stash = false;
};

class Agent {
 public:
  // Loads the rules (every message printed); an error when they do not load.
  static Result<std::unique_ptr<Agent>> Create(const AgentConfig& config, const RunRequest& request);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Runs until a signal, the duration or a fatal error: the process's exit code. The
  // agent's signals must already be taken over (common/agent_signals.h).
  int Run();

 private:
  class Impl;
  explicit Agent(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace riposte
