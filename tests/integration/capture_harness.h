// Runs the real capture pipeline (BPF programs loaded and attached in this process) while
// a workload runs, and keeps what it saw as JSON for the test to inspect.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/live_capture.h"

namespace riposte::testing {

struct Captured {
  std::vector<nlohmann::json> events;  // EventToJson of every event
  KernelCounters kernel;
  CaptureCounters counters;

  // Events of one pid, optionally of one type.
  std::vector<nlohmann::json> Of(pid_t pid, const std::string& type = "") const;
};

// Paths of the helper binaries, set by CMake.
std::string WorkloadPath();
std::string RiposteBinary();
std::string SourceDir();

// Starts capture, runs `argv` as a child (posix_spawn), waits for it, drains for
// `drain_ms`, and returns what was seen. `child_pid` receives the child's pid.
Captured CaptureWhile(const LiveCaptureOptions& options, const std::vector<std::string>& argv,
                      pid_t* child_pid, int drain_ms = 300);

// Runs a shell command; returns its stdout (trimmed) and fails the test on a non-zero exit.
std::string Shell(const std::string& command);
// Runs a shell command that may fail; returns stdout and sets *exit_code.
std::string ShellStatus(const std::string& command, int* exit_code);

// Polls `ok` every 20 ms until it holds or `timeout_ms` pass; whether it held.
bool WaitFor(const std::function<bool()>& ok, int timeout_ms);

}  // namespace riposte::testing
