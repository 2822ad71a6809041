#include "state/state_tracker.h"

#include <fcntl.h>
#include <signal.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "decode/record_decoder.h"
#include "rules/fields/process_params.h"
#include "unit/record_builder.h"

namespace riposte::testing {
namespace {

class StateTrackerTest : public ::testing::Test {
 protected:
  StateTracker tracker{StateConfig{}, nullptr};
  Event e;

  Event& Apply(const RawRecord& rec) {
    auto st = DecodeRecord(rec.bytes(), e);
    EXPECT_TRUE(st.ok()) << st.error().message;
    tracker.Apply(e);
    return e;
  }
  void SeedShell(uint32_t pid, const std::string& cwd) {
    ProcessInfo p;
    p.pid = pid;
    p.ppid = 1;
    p.comm = "bash";
    p.cwd = cwd;
    tracker.Seed(std::move(p));
  }
};

TEST_F(StateTrackerTest, ExecFillsTheProcessFromTheKernelRecord) {
  SeedShell(100, "/home/u");
  auto& ev = Apply(ExecRecord(100, 1, "./tool", {"./tool", "-x", "y"}, "/default/web"));
  ASSERT_NE(ev.process, nullptr);
  EXPECT_EQ(ev.process->exe, "./tool");
  EXPECT_EQ(ev.process->exepath, "/home/u/tool");  // made absolute against the cwd
  EXPECT_EQ(ev.process->args, (std::vector<std::string>{"-x", "y"}));
  EXPECT_EQ(ev.process->cwd, "/home/u");
  EXPECT_EQ(ev.process->container_id, "web");
  EXPECT_EQ(ev.process->comm, "tool");
}

// Falco's execve and clone events print the caller's open-file limit, page faults and
// memory: the kernel reports them at exec and at each fork; a new process' own fault counts
// start at zero; a process seen only in /proc has none (its parameters have no value).
TEST_F(StateTrackerTest, ResourceFiguresComeFromExecAndFork) {
  SeedShell(100, "/");
  auto clone_of_100 = [&]() -> Event& { return Apply(SyscallRecord(SYS_clone, 101, {SIGCHLD}, {}, {}, 100)); };
  EXPECT_FALSE(ProcessParamOf(clone_of_100(), tracker.processes(), "fdlimit").has_value());
  auto exec = ExecRecord(100, 1, "/bin/x", {"x"});
  reinterpret_cast<rp_exec_record*>(exec.storage.data())->figures = {1024, 2, 300, 4096, 1200, 0};
  Apply(exec);
  const ProcessInfo* p = tracker.processes().Find(100);
  ASSERT_TRUE(p && p->figures);
  EXPECT_EQ(p->figures->fdlimit, 1024u);
  EXPECT_EQ(p->figures->pgft_min, 300u);
  EXPECT_EQ(p->figures->vm_rss_kib, 1200u);
  auto fork = ForkRecord(100, 101);
  reinterpret_cast<rp_fork_record*>(fork.storage.data())->parent_figures = {2048, 3, 400, 8192, 2400, 8};
  Apply(fork);
  const ProcessInfo* child = tracker.processes().Find(101);
  ASSERT_TRUE(child && child->figures);
  EXPECT_EQ(child->figures->fdlimit, 2048u);
  EXPECT_EQ(child->figures->vm_size_kib, 8192u);
  EXPECT_EQ(child->figures->pgft_min, 0u);
  EXPECT_EQ(child->figures->pgft_maj, 0u);
  Event& clone = clone_of_100();
  std::string shown;
  for (const char* name : {"fdlimit", "pgft_maj", "pgft_min", "vm_size", "vm_rss", "vm_swap"}) {
    auto v = ProcessParamOf(clone, tracker.processes(), name);
    ASSERT_TRUE(v.has_value()) << name;
    shown += v->text + " ";
  }
  EXPECT_EQ(shown, "2048 3 400 8192 2400 8 ");  // the parent's, as it forked
}

// execve's flags parameter: Falco's names in its table's order, "0" for none.
TEST_F(StateTrackerTest, ExecFlagsNameTheExecutablesFacts) {
  SeedShell(100, "/");
  auto exec = ExecRecord(100, 1, "/bin/x", {"x"});
  reinterpret_cast<rp_exec_record*>(exec.storage.data())->exe_flags = RP_EXE_UPPER_LAYER | RP_EXE_WRITABLE;
  Apply(exec);
  Event& ev = Apply(SyscallRecord(SYS_execve, 0, {}, "/bin/x", {}, 100));
  auto flags = ProcessParamOf(ev, tracker.processes(), "flags");
  ASSERT_TRUE(flags.has_value());
  EXPECT_EQ(flags->text, "EXE_WRITABLE|EXE_UPPER_LAYER");
  EXPECT_EQ(flags->args_text, "3(EXE_WRITABLE|EXE_UPPER_LAYER)");
  EXPECT_TRUE(tracker.processes().Find(100)->exe_writable);
  Apply(ExecRecord(100, 1, "/bin/y", {"y"}));
  Event& plain = Apply(SyscallRecord(SYS_execve, 0, {}, "/bin/y", {}, 100));
  EXPECT_EQ(ProcessParamOf(plain, tracker.processes(), "flags")->args_text, "0");
}

TEST_F(StateTrackerTest, ExecDropsCloseOnExecFdsAndKeepsTheRest) {
  SeedShell(100, "/");
  Apply(SyscallRecord(SYS_openat, 3, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY | O_CLOEXEC}, "/a"));
  Apply(SyscallRecord(SYS_openat, 4, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY}, "/b"));
  Apply(ExecRecord(100, 1, "/bin/x", {"x"}));
  const ProcessInfo* p = tracker.processes().Find(100);
  EXPECT_EQ(p->fds.Find(3), nullptr);
  ASSERT_NE(p->fds.Find(4), nullptr);
  EXPECT_EQ(p->fds.Find(4)->name, "/b");
}

TEST_F(StateTrackerTest, RelativeOpenResolvesAgainstCwdAndDirfd) {
  SeedShell(100, "/srv");
  auto& ev = Apply(SyscallRecord(SYS_openat, 5, {static_cast<uint64_t>(AT_FDCWD), 0, O_DIRECTORY}, "data"));
  EXPECT_EQ(ev.resolved_path[0], "/srv/data");
  ASSERT_NE(ev.fd, nullptr);
  EXPECT_EQ(ev.fd->type, FdType::kDirectory);
  auto& ev2 = Apply(SyscallRecord(SYS_openat, 6, {5, 0, O_RDONLY}, "../etc/x"));
  EXPECT_EQ(ev2.resolved_path[0], "/srv/etc/x");
  EXPECT_EQ(ev2.fd->name, "/srv/etc/x");
}

TEST_F(StateTrackerTest, CloseShowsTheFdItClosedThenForgetsIt) {
  SeedShell(100, "/");
  Apply(SyscallRecord(SYS_openat, 3, {static_cast<uint64_t>(AT_FDCWD), 0, 0}, "/etc/shadow"));
  auto& ev = Apply(SyscallRecord(SYS_close, 0, {3}));
  ASSERT_NE(ev.fd, nullptr);
  EXPECT_EQ(ev.fd->name, "/etc/shadow");
  EXPECT_EQ(tracker.processes().Find(100)->fds.Find(3), nullptr);
}

TEST_F(StateTrackerTest, FailedSyscallsChangeNothing) {
  SeedShell(100, "/");
  Apply(SyscallRecord(SYS_openat, -2, {static_cast<uint64_t>(AT_FDCWD), 0, 0}, "/nope"));
  EXPECT_EQ(tracker.processes().Find(100)->fds.size(), 0u);
  Apply(SyscallRecord(SYS_chdir, -2, {}, "/nope"));
  EXPECT_EQ(tracker.processes().Find(100)->cwd, "/");
}

TEST_F(StateTrackerTest, ForkCopiesTheParentAndExitRemovesTheChild) {
  SeedShell(100, "/work");
  Apply(SyscallRecord(SYS_openat, 3, {static_cast<uint64_t>(AT_FDCWD), 0, 0}, "/log"));
  auto& ev = Apply(ForkRecord(100, 101));
  ASSERT_NE(ev.process, nullptr);
  const ProcessInfo* child = tracker.processes().Find(101);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->ppid, 100u);
  EXPECT_EQ(child->cwd, "/work");
  EXPECT_EQ(child->fds.Find(3)->name, "/log");
  auto& exit = Apply(ExitRecord(101, true));
  ASSERT_NE(exit.process, nullptr);  // still visible for the exit event itself
  EXPECT_EQ(exit.process->pid, 101u);
  EXPECT_EQ(tracker.processes().Find(101), nullptr);
}

TEST_F(StateTrackerTest, ThreadCreationAndThreadExitKeepTheProcess) {
  SeedShell(100, "/");
  Apply(ForkRecord(100, 100, 105));  // clone(CLONE_THREAD): same tgid
  EXPECT_EQ(tracker.processes().size(), 1u);
  Apply(ExitRecord(100, false));
  EXPECT_NE(tracker.processes().Find(100), nullptr);
}

TEST_F(StateTrackerTest, DupAndChdirAndSocketsUpdateTheTables) {
  SeedShell(100, "/");
  Apply(SyscallRecord(SYS_socket, 3, {AF_INET, SOCK_STREAM, 0}));
  Apply(SyscallRecord(SYS_dup2, 0, {3, 0}));
  const ProcessInfo* p = tracker.processes().Find(100);
  ASSERT_NE(p->fds.Find(0), nullptr);
  EXPECT_EQ(p->fds.Find(0)->type, FdType::kIpv4);  // stdin is now a socket: reverse shell shape
  EXPECT_EQ(p->fds.Find(0)->tuple.protocol, IPPROTO_TCP);
  Apply(SyscallRecord(SYS_chdir, 0, {}, "tmp"));
  EXPECT_EQ(p->cwd, "/tmp");
}

// What bash does around `echo x > file`: save stdout with fcntl(F_DUPFD_CLOEXEC), point
// fd 1 at the file, then put the saved copy back with dup2 and close it. Stdout must come
// back as it was (Falco tracks the same), and a dup'd copy is close-on-exec only when asked.
TEST_F(StateTrackerTest, FcntlDuplicatesAndDupsDropCloseOnExec) {
  SeedShell(100, "/");
  Apply(SyscallRecord(SYS_openat, 1, {static_cast<uint64_t>(AT_FDCWD), 0, O_WRONLY}, "/log"));
  Apply(SyscallRecord(SYS_fcntl, 10, {1, F_DUPFD_CLOEXEC, 10}));
  Apply(SyscallRecord(SYS_openat, 3, {static_cast<uint64_t>(AT_FDCWD), 0, O_WRONLY}, "/proc/self/loginuid"));
  Apply(SyscallRecord(SYS_dup2, 1, {3, 1}));
  Apply(SyscallRecord(SYS_close, 0, {3}));
  Apply(SyscallRecord(SYS_dup2, 1, {10, 1}));
  Apply(SyscallRecord(SYS_close, 0, {10}));
  const ProcessInfo* p = tracker.processes().Find(100);
  ASSERT_NE(p->fds.Find(1), nullptr);
  EXPECT_EQ(p->fds.Find(1)->name, "/log");
  EXPECT_FALSE(p->fds.Find(1)->open_flags & O_CLOEXEC) << "dup2's copy is never close-on-exec";
  Apply(SyscallRecord(SYS_fcntl, 12, {1, F_DUPFD_CLOEXEC, 10}));
  Apply(SyscallRecord(SYS_fcntl, 13, {1, F_DUPFD, 10}));
  Apply(ExecRecord(100, 1, "/bin/x", {"x"}));
  p = tracker.processes().Find(100);
  EXPECT_EQ(p->fds.Find(12), nullptr) << "F_DUPFD_CLOEXEC's copy closes at exec";
  ASSERT_NE(p->fds.Find(13), nullptr);
  EXPECT_EQ(p->fds.Find(13)->name, "/log");
}

TEST_F(StateTrackerTest, UnknownProcessesAreCountedNotInvented) {
  auto& ev = Apply(SyscallRecord(SYS_close, 0, {3}, {}, {}, 999));
  EXPECT_EQ(ev.process, nullptr);
  EXPECT_EQ(tracker.counters().processes_unknown, 1u);
}

}  // namespace
}  // namespace riposte::testing

namespace riposte::testing {
namespace {

// The machine's addresses as Falco's interface table uses them: an IPv4 address must be an
// interface's own, an IPv6 one only share its first 64 bits; the local end guessed toward a
// peer is the interface with that address, else one on the peer's subnet, else the first
// that is not loopback.
TEST(LocalInterfacesTest, HoldAndInferAsFalcosTable) {
  InterfaceAddress lo{AF_INET, {127, 0, 0, 1}, {255, 0, 0, 0}};
  InterfaceAddress eth{AF_INET, {192, 168, 1, 5}, {255, 255, 255, 0}};
  InterfaceAddress v6{AF_INET6, {0xfd, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x10}, {}};
  LocalInterfaces ifs({lo, eth, v6});
  EXPECT_TRUE(ifs.Holds(AF_INET, {192, 168, 1, 5}));
  EXPECT_FALSE(ifs.Holds(AF_INET, {192, 168, 1, 6}));
  EXPECT_TRUE(ifs.Holds(AF_INET6, {0xfd, 0, 0, 0, 0, 0, 0, 1, 9, 9, 9, 9, 9, 9, 9, 9}));
  EXPECT_FALSE(ifs.Holds(AF_INET6, {0xfd, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0x10}));
  EXPECT_EQ(ifs.Infer(AF_INET, {127, 0, 0, 1}), (IpBytes{127, 0, 0, 1}));
  EXPECT_EQ(ifs.Infer(AF_INET, {127, 0, 0, 53}), (IpBytes{127, 0, 0, 1}));       // its subnet
  EXPECT_EQ(ifs.Infer(AF_INET, {192, 168, 1, 77}), (IpBytes{192, 168, 1, 5}));   // its subnet
  EXPECT_EQ(ifs.Infer(AF_INET, {8, 8, 8, 8}), (IpBytes{192, 168, 1, 5}));        // first not loopback
  EXPECT_EQ(LocalInterfaces::Loopback().Infer(AF_INET, {8, 8, 8, 8}), IpBytes{});  // nothing to guess
  EXPECT_TRUE(LocalInterfaces::Loopback().Holds(AF_INET6, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  EXPECT_FALSE(LocalInterfaces::OfThisHost().addresses().empty());
}

}  // namespace
}  // namespace riposte::testing
