#include "integration/agent_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>


namespace riposte::testing {

std::string ReadFileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

AgentProcess::AgentProcess(const std::vector<std::string>& args, const std::string& log_path,
                           const std::string& ready_line)
    : log_(log_path) {
  std::ofstream(log_path, std::ios::trunc).flush();  // the ready line must be this run's
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 2);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    std::vector<char*> argv;
    std::string bin = RiposteBinary();
    argv.push_back(bin.data());
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  // Until the ready line, or the child's exit (an agent refusing to start need not cost
  // the whole wait).
  for (int waited = 0; waited <= 20000; waited += 20) {
    if (Log().find(ready_line) != std::string::npos) {
      ready_ = true;
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_status_ = status;
      pid_ = -1;
      ready_ = Log().find(ready_line) != std::string::npos;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

AgentProcess::~AgentProcess() {
  if (pid_ > 0) KillHard();
}

std::string AgentProcess::Log() const { return ReadFileText(log_); }

bool AgentProcess::WaitForLog(const std::string& text, int timeout_ms) const {
  for (int waited = 0; waited <= timeout_ms; waited += 20) {
    if (Log().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void AgentProcess::Signal(int sig) const {
  if (pid_ > 0) kill(pid_, sig);
}

int AgentProcess::Stop() {
  int status = exit_status_;
  if (pid_ > 0) {
    kill(pid_, SIGINT);
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  return status;
}

void AgentProcess::KillHard() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
}

pid_t SpawnChild(const std::vector<std::string>& argv, int* stamp_pipe) {
  int fds[2] = {-1, -1};
  if (stamp_pipe && pipe(fds) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    if (stamp_pipe) {
      close(fds[0]);  // first: the read end may itself be fd 3
      dup2(fds[1], 3);
    }
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    std::vector<char*> a;
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    execv(a[0], a.data());
    _exit(127);
  }
  if (stamp_pipe) {
    close(fds[1]);
    *stamp_pipe = fds[0];
  }
  return pid;
}

std::optional<int> WaitChild(pid_t pid, int timeout_ms) {
  for (int waited = 0; waited <= timeout_ms; waited += 5) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return std::nullopt;
}

}  // namespace riposte::testing
