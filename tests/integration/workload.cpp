// The process integration tests watch: performs, in order, the actions named on its
// command line, so a test knows exactly which syscalls to expect from which pid.
//   open PATH | openro PATH | connect IP PORT | unlink PATH | setuid UID | ptrace
//   closeloop N | sleepms N | exec PATH [ARGS...] | setname NAME (prctl PR_SET_NAME)
//   openloop N PATH: opens and closes PATH N times
//   openmapped FILE: opens (read-only) the path written in FILE, passing the kernel a
//   pointer into a fresh mapping of FILE, a page not yet faulted in at syscall entry
//   pipe PATH: makes a pipe (pipe2, O_CLOEXEC) and writes its read end's inode to PATH
//   stamp FD: writes CLOCK_MONOTONIC now (8 bytes, ns) to FD, where a response
//   benchmark's clock starts
//   fork: forks a child that exits at once | clone3fs: the same through clone3 with
//   CLONE_FS | newpidns: unshare(CLONE_NEWPID), so later children start a pid namespace
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <linux/sched.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string op = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "workload: %s needs an argument\n", op.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (op == "stamp") {
      int fd = std::atoi(next());
      timespec ts{};
      clock_gettime(CLOCK_MONOTONIC, &ts);
      int64_t ns = static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
      if (write(fd, &ns, sizeof(ns)) != sizeof(ns)) std::exit(3);
    } else if (op == "open") {
      int fd = open(next(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fd >= 0) close(fd);
    } else if (op == "openmapped") {
      int file = open(next(), O_RDONLY);
      struct stat st {};
      if (file < 0 || fstat(file, &st) != 0 || st.st_size == 0) std::exit(3);
      void* page = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, file, 0);
      if (page == MAP_FAILED) std::exit(3);
      int fd = open(static_cast<const char*>(page), O_RDONLY);
      if (fd >= 0) close(fd);
      munmap(page, static_cast<size_t>(st.st_size));
      close(file);
    } else if (op == "openro") {
      int fd = open(next(), O_RDONLY);
      if (fd >= 0) close(fd);
    } else if (op == "connect") {
      const char* ip = next();
      int port = std::atoi(next());
      int s = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(static_cast<uint16_t>(port));
      inet_pton(AF_INET, ip, &addr.sin_addr);
      connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
      close(s);
    } else if (op == "unlink") {
      unlink(next());
    } else if (op == "setuid") {
      if (setuid(static_cast<uid_t>(std::atoi(next()))) != 0) std::perror("setuid");
    } else if (op == "ptrace") {
      pid_t child = fork();
      if (child == 0) {
        pause();
        _exit(0);
      }
      if (ptrace(PTRACE_ATTACH, child, nullptr, nullptr) == 0) {
        waitpid(child, nullptr, 0);
        ptrace(PTRACE_DETACH, child, nullptr, nullptr);
      }
      kill(child, SIGKILL);
      waitpid(child, nullptr, 0);
    } else if (op == "fork" || op == "clone3fs") {
      pid_t child;
      if (op == "fork") {
        child = fork();
      } else {
        struct clone_args args {};
        args.flags = CLONE_FS;
        args.exit_signal = SIGCHLD;
        child = static_cast<pid_t>(syscall(SYS_clone3, &args, sizeof(args)));
      }
      if (child == 0) _exit(0);
      waitpid(child, nullptr, 0);
    } else if (op == "newpidns") {
      if (unshare(CLONE_NEWPID) != 0) std::perror("unshare");
    } else if (op == "fcntldup") {
      // As a shell saves an fd around a redirect: a copy at 20 or above, then other fcntl
      // commands the agent has no use for.
      int fd = open(next(), O_RDONLY);
      int copy = fcntl(fd, F_DUPFD, 20);
      (void)fcntl(copy, F_GETFL);
      (void)fcntl(copy, F_SETFD, FD_CLOEXEC);
      close(fd);
      close(copy);
    } else if (op == "pipe") {
      const char* path = next();
      int fds[2];
      struct stat st {};
      if (pipe2(fds, O_CLOEXEC) != 0 || fstat(fds[0], &st) != 0) std::exit(3);
      FILE* out = std::fopen(path, "w");
      if (!out) std::exit(3);
      std::fprintf(out, "%llu %d %d\n", static_cast<unsigned long long>(st.st_ino), fds[0], fds[1]);
      std::fclose(out);
      close(fds[0]);
      close(fds[1]);
    } else if (op == "closeloop") {
      int n = std::atoi(next());
      for (int k = 0; k < n; ++k) close(-1);
    } else if (op == "openloop") {
      int n = std::atoi(next());
      const char* path = next();
      for (int k = 0; k < n; ++k) close(open(path, O_RDONLY));
    } else if (op == "setname") {
      prctl(PR_SET_NAME, next(), 0, 0, 0);
    } else if (op == "sleepms") {
      usleep(static_cast<useconds_t>(std::atoi(next())) * 1000);
    } else if (op == "failexec") {  // failexec PATH ARGV0 ARG: an exec that fails, with its own env
      const char* path = next();
      char* arg0 = const_cast<char*>(next());
      char* arg1 = const_cast<char*>(next());
      char* args[] = {arg0, arg1, nullptr};
      char env0[] = "RP_FAILED_EXEC=1";
      char* env[] = {env0, nullptr};
      if (execve(path, args, env) == 0) return 3;
    } else if (op == "exec") {
      execv(argv[i + 1], &argv[i + 1]);
      std::perror("execv");
      return 1;
    } else {
      std::fprintf(stderr, "workload: unknown action %s\n", op.c_str());
      return 2;
    }
  }
  return 0;
}
