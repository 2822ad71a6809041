#include "integration/capture_harness.h"

#include <spawn.h>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <thread>

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "output/event_format.h"

extern char** environ;

namespace riposte::testing {

std::vector<nlohmann::json> Captured::Of(pid_t pid, const std::string& type) const {
  std::vector<nlohmann::json> out;
  for (const auto& e : events)
    if (e.value("pid", 0u) == static_cast<uint32_t>(pid) && (type.empty() || e.value("type", "") == type))
      out.push_back(e);
  return out;
}

std::string WorkloadPath() { return RIPOSTE_TEST_WORKLOAD; }
std::string RiposteBinary() { return RIPOSTE_TEST_BINARY; }
std::string SourceDir() { return RIPOSTE_SOURCE_DIR; }

Captured CaptureWhile(const LiveCaptureOptions& options, const std::vector<std::string>& argv,
                      pid_t* child_pid, int drain_ms) {
  Captured out;
  spdlog::set_level(spdlog::level::warn);  // the agent's start-up lines would drown the test output
  LiveCaptureOptions with_drain = options;
  with_drain.duration = std::chrono::milliseconds(drain_ms);  // counted from Run()
  auto live = LiveCapture::Start(AgentConfig{}, with_drain);
  if (!live) {
    ADD_FAILURE() << "capture did not start: " << live.error().message;
    return out;
  }
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, cargv[0], nullptr, nullptr, cargv.data(), environ) != 0) {
    ADD_FAILURE() << "cannot spawn " << argv[0];
    return out;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (child_pid) *child_pid = pid;
  const TimeBase time = TimeBase::Now();
  // Records wait in the ring buffer while the child runs; Run() drains them.
  auto run_live = std::move(*live);
  auto st = run_live->Run(nullptr, [&](const Event& e) { out.events.push_back(EventToJson(e, time)); });
  EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
  out.kernel = run_live->kernel_counters();
  out.counters = run_live->counters();
  return out;
}

std::string ShellStatus(const std::string& command, int* exit_code) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) {
    ADD_FAILURE() << "cannot run: " << command;
    *exit_code = -1;
    return out;
  }
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int rc = pclose(p);
  *exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string Shell(const std::string& command) {
  int rc = 0;
  std::string out = ShellStatus(command, &rc);
  EXPECT_EQ(rc, 0) << "command failed: " << command << "\n" << out;
  return out;
}

bool WaitFor(const std::function<bool()>& ok, int timeout_ms) {
  for (int waited = 0; waited < timeout_ms; waited += 20) {
    if (ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return ok();
}

}  // namespace riposte::testing
