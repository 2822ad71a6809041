// `riposte capture` as a session: print (and optionally record) what the kernel sees, then
// a summary. The capture file it writes is what `replay` and the benchmarks read back.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "config/agent_config.h"
#include "output/event_printer.h"

namespace riposte {

struct CaptureRequest {
  PrintFormat format = PrintFormat::kJson;
  EventFilter filter;
  std::vector<std::string> syscalls;  // empty: the default set
  bool all_known = false;             // every syscall riposte knows instead
  std::string write_path;             // also record to this capture file
  std::chrono::milliseconds duration{0};  // 0: until a signal or the count
  uint64_t max_events = 0;
  uint32_t ring_mb = 0;  // 0: the configuration's
  bool stats = false;    // a JSON summary on stderr at the end
  bool hash_stash = false;
  bool raw_tracepoint = false;
};

// Runs until a signal, the duration or the count: the process's exit code. The agent's
// signals must already be taken over (common/agent_signals.h).
int RunCaptureSession(const AgentConfig& config, CaptureRequest request);

}  // namespace riposte
