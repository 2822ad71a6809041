// `riposte replay` as a session: a capture file read back through decode and state as if
// live; with rules, detection too (alerts through the same sinks as `run`), else the
// events printed. A summary on stderr at the end.
#pragma once

#include <string>

#include "config/agent_config.h"
#include "daemon/detection_setup.h"
#include "output/event_printer.h"

namespace riposte {

struct ReplayRequest {
  std::string path;
  PrintFormat format = PrintFormat::kJson;
  EventFilter filter;
  DetectionRequest detection;  // rules given: detect instead of printing
  // Leave out what the kernel record filter would have for these rules (the capture was
  // written unfiltered): what `run` would have seen, through RecordFilterModel.
  bool kernel_filter = false;
};

// The process's exit code: 1 when the file or any record in it is malformed.
int RunReplaySession(const AgentConfig& config, ReplayRequest request);

}  // namespace riposte
