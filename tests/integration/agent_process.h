// A `riposte` child process for tests that exercise the real binary: started with its
// arguments, its log kept in a file, waited on until it says it is running, stopped
// cleanly or killed. Also the workload children those tests aim the agent at.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace riposte::testing {

// The riposte binary to run (defined by the integration harness, or by a benchmark).
std::string RiposteBinary();

class AgentProcess {
 public:
  // `args` after the binary name, e.g. {"run", "--rules", ...}. Waits up to 20 s for
  // `ready_line` in its log.
  AgentProcess(const std::vector<std::string>& args, const std::string& log_path,
               const std::string& ready_line = "riposte is running");
  ~AgentProcess();
  bool ready() const { return ready_; }
  pid_t pid() const { return pid_; }
  std::string Log() const;
  bool WaitForLog(const std::string& text, int timeout_ms) const;
  void Signal(int sig) const;
  int Stop();      // SIGINT, wait; the exit status
  void KillHard(); // SIGKILL, wait

 private:
  pid_t pid_ = -1;
  int exit_status_ = -1;  // when it exited before it was stopped
  std::string log_;
  bool ready_ = false;
};

// Starts `argv` with stdout and stderr to /dev/null; when `stamp_pipe` is set, the
// child's fd 3 is the write end of a new pipe whose read end is returned there.
pid_t SpawnChild(const std::vector<std::string>& argv, int* stamp_pipe = nullptr);
// The child's wait status, or nothing if it is still running after timeout_ms.
std::optional<int> WaitChild(pid_t pid, int timeout_ms);
std::string ReadFileText(const std::string& path);

}  // namespace riposte::testing
