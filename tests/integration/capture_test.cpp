// The real capture engine, loaded into the kernel, watching real processes.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "integration/capture_harness.h"
#include "state/controller_cgroups.h"
#include "riposte_abi.h"

namespace riposte::testing {
namespace {

using nlohmann::json;

std::string TempPath(const std::string& name) {
  return "/tmp/riposte-it-" + std::to_string(getpid()) + "-" + name;
}

TEST(Capture, ExecIsSeenWithArgvPidPpidAndExe) {
  pid_t child = 0;
  auto got = CaptureWhile({}, {WorkloadPath(), "sleepms", "1", "closeloop", "3"}, &child);
  auto execs = got.Of(child, "procexec");
  ASSERT_EQ(execs.size(), 1u);
  const json& p = execs[0]["proc"];
  EXPECT_EQ(p["exepath"], WorkloadPath());
  EXPECT_EQ(p["exe"], WorkloadPath());
  EXPECT_EQ(p["args"], json::array({"sleepms", "1", "closeloop", "3"}));
  EXPECT_EQ(p["ppid"], static_cast<uint32_t>(getpid()));
  EXPECT_EQ(p["name"], std::filesystem::path(WorkloadPath()).filename().string().substr(0, 15));
  EXPECT_EQ(p["container_id"], "host");
  // Falco's cgroups, as the kernel walked them: each controller's path is the one
  // /proc/PID/cgroup gives the child (it runs where this test runs).
  const std::string proc_cgroup = Shell("cat /proc/self/cgroup");
  auto expected = ControllerCgroupsFromProc(proc_cgroup, [](std::string_view path) {
    for (const char* root : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}) {
      std::ifstream in(std::string(root) + std::string(path) + "/cgroup.controllers");
      if (in) return std::string(std::istreambuf_iterator<char>(in), {});
    }
    return std::string();
  });
  ASSERT_EQ(expected.size(), 5u) << proc_cgroup;
  for (const auto& [controller, path] : expected) EXPECT_EQ(p["cgroups"][controller], path) << controller;
  auto execve = got.Of(child, "execve");
  ASSERT_EQ(execve.size(), 1u);
  EXPECT_EQ(execve[0]["ret"], 0);
  EXPECT_EQ(execve[0]["args"]["filename"], WorkloadPath());
  EXPECT_EQ(execs[0]["filename"], WorkloadPath());  // the kernel's bprm->filename: exe's own string
}

// A script: the kernel runs its interpreter (exe is /bin/sh, as named in the #! line)
// while the path the exec was given is the script's (bprm->filename, read on its own).
TEST(Capture, AScriptsExecNamesTheScriptAndItsInterpreter) {
  const std::string script = TempPath("script.sh");
  {
    std::ofstream out(script);
    out << "#!/bin/sh\nexit 0\n";
  }
  ASSERT_EQ(chmod(script.c_str(), 0755), 0);
  pid_t child = 0;
  auto got = CaptureWhile({}, {script}, &child);
  std::filesystem::remove(script);
  auto execs = got.Of(child, "procexec");
  ASSERT_FALSE(execs.empty());
  EXPECT_EQ(execs[0]["proc"]["exe"], "/bin/sh");
  EXPECT_EQ(execs[0]["proc"]["exepath"], "/bin/sh");
  EXPECT_EQ(execs[0]["filename"], script);
}

// A failed exec changes nothing in the caller: the kernel reads the argv and envp it was
// given from the caller's memory at the call's exit (Falco's exe, args and env).
TEST(Capture, AFailedExecSaysWhatItWasGiven) {
  const std::string missing = TempPath("no-such-binary");
  pid_t child = 0;
  auto got = CaptureWhile({}, {WorkloadPath(), "failexec", missing, "pretend0", "arg1"}, &child);
  std::vector<json> execs;  // the workload's own exec succeeded; the one it made did not
  for (const auto& e : got.Of(child, "execve"))
    if (e["ret"] != 0) execs.push_back(e);
  ASSERT_EQ(execs.size(), 1u);
  EXPECT_EQ(execs[0]["ret"], -ENOENT);
  EXPECT_EQ(execs[0]["args"]["filename"], missing);
  EXPECT_EQ(execs[0]["args"]["argv"]["argv"], json::array({"pretend0", "arg1"})) << execs[0].dump();
  EXPECT_EQ(execs[0]["args"]["argv"]["envp"], json::array({"RP_FAILED_EXEC=1"}));
}

TEST(Capture, OpenatIsSeenWithPathFlagsAndReturnedFd) {
  const std::string path = TempPath("open");
  pid_t child = 0;
  auto got = CaptureWhile({}, {WorkloadPath(), "open", path}, &child);
  bool found = false;
  for (const auto& e : got.Of(child, "openat")) {
    if (e["args"]["name"] != path) continue;
    found = true;
    EXPECT_EQ(e["args"]["flags"], "O_TRUNC|O_CREAT|O_WRONLY");  // Falco's order
    EXPECT_EQ(e["args"]["mode"], "0600");
    EXPECT_GE(e["ret"].get<int64_t>(), 0);
    EXPECT_EQ(e["fd"]["name"], path);
    EXPECT_EQ(e["fd"]["type"], "file");
    EXPECT_EQ(e["proc"]["exepath"], WorkloadPath());
    // What was opened, read by the kernel off the new fd: this open made the file.
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(e["opened"]["ino"], st.st_ino);
    EXPECT_EQ(e["opened"]["dev_major"], major(st.st_dev));
    EXPECT_EQ(e["opened"]["dev_minor"], minor(st.st_dev));
    EXPECT_EQ(e["opened"]["created"], true);
    EXPECT_FALSE(e["opened"].contains("overlay_layer"));
  }
  EXPECT_TRUE(found) << "no openat of " << path;
  // Opened again, the file already exists: not created this time.
  pid_t second = 0;
  auto again = CaptureWhile({}, {WorkloadPath(), "open", path}, &second);
  found = false;
  for (const auto& e : again.Of(second, "openat"))
    if (e["args"]["name"] == path) {
      found = true;
      EXPECT_EQ(e["opened"]["created"], false);
    }
  EXPECT_TRUE(found) << "no second openat of " << path;
  std::filesystem::remove(path);
  // ... and the close that follows names the same file through the fd table.
  bool closed = false;
  for (const auto& e : got.Of(child, "close"))
    if (e.contains("fd") && e["fd"]["name"] == path) closed = true;
  EXPECT_TRUE(closed);
}

TEST(Capture, ConnectIsSeenWithAddressPortAndBothEnds) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  socklen_t len = sizeof(addr);
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);

  pid_t child = 0;
  auto got = CaptureWhile({}, {WorkloadPath(), "connect", "127.0.0.1", std::to_string(port)}, &child);
  close(listener);
  auto connects = got.Of(child, "connect");
  ASSERT_EQ(connects.size(), 1u);
  const json& c = connects[0];
  EXPECT_EQ(c["ret"], 0);
  EXPECT_EQ(c["args"]["addr"]["addr"], "127.0.0.1");
  EXPECT_EQ(c["args"]["addr"]["port"], port);
  EXPECT_EQ(c["fd"]["type"], "ipv4");
  EXPECT_EQ(c["fd"]["rip"], "127.0.0.1");
  EXPECT_EQ(c["fd"]["rport"], port);
  EXPECT_EQ(c["fd"]["sip"], "127.0.0.1");
  EXPECT_GT(c["fd"]["sport"].get<int>(), 0);
  EXPECT_EQ(c["fd"]["l4proto"], "tcp");
  EXPECT_EQ(c["fd"]["name"].get<std::string>(),
            "127.0.0.1:" + std::to_string(c["fd"]["sport"].get<int>()) + "->127.0.0.1:" +
                std::to_string(port));
}

// A pipe's record carries the inode of its first fd, read by the kernel at exit (Falco's
// pipe "ino"), beside the two fds the kernel wrote.
TEST(Capture, PipeIsSeenWithBothFdsAndItsInode) {
  const std::string path = TempPath("pipe");
  pid_t child = 0;
  auto got = CaptureWhile({}, {WorkloadPath(), "pipe", path}, &child);
  unsigned long long ino = 0;
  int fd1 = -1, fd2 = -1;
  {
    std::ifstream in(path);
    ASSERT_TRUE(in >> ino >> fd1 >> fd2) << "the workload wrote no inode";
  }
  std::filesystem::remove(path);
  auto pipes = got.Of(child, "pipe2");
  ASSERT_EQ(pipes.size(), 1u);
  EXPECT_EQ(pipes[0]["ret"], 0);
  EXPECT_EQ(pipes[0]["opened"]["ino"], ino);
  EXPECT_EQ(pipes[0]["fd"]["type"], "pipe");
  EXPECT_EQ(pipes[0]["args"]["fds"], json::array({fd1, fd2}));
}

// prctl's name argument is read by the kernel at exit (Falco's arg2_str): PR_SET_NAME's.
// A child forked after it has the new name from the kernel, though the caller keeps its own
// in the process table (as in Falco, whose proc.name ignores prctl).
TEST(Capture, PrctlSetNameIsSeenWithTheName) {
  pid_t child = 0;
  auto got = CaptureWhile({}, {WorkloadPath(), "setname", "rp-renamed", "fork"}, &child);
  auto forks = got.Of(child, "procfork");
  ASSERT_FALSE(forks.empty());
  EXPECT_EQ(forks.back()["child_comm"], "rp-renamed");
  const auto grandchild = forks.back()["child_pid"].get<pid_t>();
  auto exits = got.Of(grandchild, "procexit");
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0]["proc"]["name"], "rp-renamed") << exits[0].dump();
  auto execs = got.Of(child, "procexec");
  ASSERT_FALSE(execs.empty());
  EXPECT_NE(execs[0]["proc"]["name"], "rp-renamed");
  EXPECT_EQ(forks.back()["proc"]["name"], "rp-renamed");  // a fork record describes the child
  for (const auto& e : got.Of(child, "prctl")) EXPECT_EQ(e["proc"]["name"], execs[0]["proc"]["name"]);
  bool found = false;
  for (const auto& e : got.Of(child, "prctl")) {
    if (e["args"]["option"] != "PR_SET_NAME") continue;
    found = true;
    EXPECT_EQ(e["ret"], 0);
    EXPECT_EQ(e["args"]["arg2_str"], "rp-renamed");
  }
  EXPECT_TRUE(found) << "no prctl(PR_SET_NAME)";
}

// The clone family's records say what Falco's CLONE_CHILD_IN_PIDNS says, from the kernel:
// after unshare(CLONE_NEWPID) the caller's children start a pid namespace, so both sides
// of its fork carry it; a fork before does not. clone3's flags are read at exit, so the
// new task's side, which never entered the call, has them too.
TEST(Capture, CloneFamilyRecordsSayWhereTheNewTaskLives) {
  pid_t child = 0;
  auto got = CaptureWhile({}, {WorkloadPath(), "clone3fs", "fork", "newpidns", "fork"}, &child);
  // The workload's own calls: its pid, a child's pid returned (posix_spawn started it with
  // a clone3 whose new side, returning 0, is the workload too).
  auto parent_side = [&](const std::string& type) {
    std::vector<json> out;
    for (const auto& e : got.Of(child, type))
      if (e["ret"].get<int>() > 0) out.push_back(e);
    return out;
  };
  auto clone3 = parent_side("clone3");
  ASSERT_EQ(clone3.size(), 1u);
  EXPECT_EQ(clone3[0]["args"]["flags"], "CLONE_FS");
  auto new_side3 = got.Of(clone3[0]["ret"].get<int>(), "clone3");
  ASSERT_EQ(new_side3.size(), 1u);
  EXPECT_EQ(new_side3[0]["ret"], 0);
  EXPECT_EQ(new_side3[0]["args"]["flags"], "CLONE_FS");
  EXPECT_FALSE(new_side3[0].contains("entry_missed"));

  auto forks = parent_side("clone");  // glibc's fork() is clone(2)
  ASSERT_EQ(forks.size(), 2u);
  for (int k = 0; k < 2; ++k) {
    const bool after_unshare = k == 1;
    EXPECT_EQ(forks[k].value("child_in_pidns", false), after_unshare) << forks[k].dump();
    auto new_side = got.Of(forks[k]["ret"].get<int>(), "clone");
    ASSERT_EQ(new_side.size(), 1u) << "fork " << k;
    EXPECT_EQ(new_side[0]["ret"], 0);
    EXPECT_EQ(new_side[0].value("child_in_pidns", false), after_unshare) << new_side[0].dump();
  }
}

// fcntl reaches the agent only as F_DUPFD / F_DUPFD_CLOEXEC (the fd table needs them: a
// shell saves its stdout that way around every redirect); F_GETFL, F_SETFD and the rest
// are dropped in the kernel.
TEST(Capture, FcntlIsSentOnlyWhenItDuplicatesAnFd) {
  pid_t child = 0;
  auto got = CaptureWhile({}, {WorkloadPath(), "fcntldup", "/etc/hostname"}, &child);
  auto fcntls = got.Of(child, "fcntl");
  ASSERT_EQ(fcntls.size(), 1u) << "F_GETFL and F_SETFD must not be sent";
  EXPECT_EQ(fcntls[0]["args"]["cmd"], "F_DUPFD");
  EXPECT_GE(fcntls[0]["ret"].get<int64_t>(), 20);
  EXPECT_EQ(fcntls[0]["fd"]["name"], "/etc/hostname");
}

TEST(Capture, UnlinkIsSeenWithPathAndResult) {
  const std::string path = TempPath("unlink");
  { std::FILE* f = std::fopen(path.c_str(), "w"); std::fclose(f); }
  pid_t child = 0;
  auto got = CaptureWhile({}, {WorkloadPath(), "unlink", path, "unlink", path}, &child);
  auto unlinks = got.Of(child, "unlink");
  ASSERT_EQ(unlinks.size(), 2u);
  EXPECT_EQ(unlinks[0]["args"]["path"], path);
  EXPECT_EQ(unlinks[0]["ret"], 0);
  EXPECT_EQ(unlinks[1]["ret"], -ENOENT);
  EXPECT_EQ(unlinks[1]["errno"], "ENOENT");
}

TEST(Capture, SetuidIsSeenAndChangesTheProcessUser) {
  pid_t child = 0;
  auto got = CaptureWhile({}, {WorkloadPath(), "setuid", "65534", "closeloop", "1"}, &child);
  auto setuids = got.Of(child, "setuid");
  ASSERT_EQ(setuids.size(), 1u);
  EXPECT_EQ(setuids[0]["args"]["uid"], "nobody");  // by name, as Falco renders set*id ids
  EXPECT_EQ(setuids[0]["ret"], 0);
  EXPECT_EQ(setuids[0]["uid"], 65534u);
  EXPECT_EQ(setuids[0]["proc"]["uid"], 65534u);
  EXPECT_EQ(setuids[0]["proc"]["euid"], 65534u);
}

TEST(Capture, PtraceAttachIsSeenWithRequestAndTarget) {
  pid_t child = 0;
  auto got = CaptureWhile({}, {WorkloadPath(), "ptrace"}, &child);
  auto calls = got.Of(child, "ptrace");
  ASSERT_GE(calls.size(), 2u);  // attach, detach
  EXPECT_EQ(calls[0]["args"]["request"], "PTRACE_ATTACH");
  EXPECT_EQ(calls[0]["ret"], 0);
  EXPECT_GT(calls[0]["args"]["pid"].get<int>(), child);
  EXPECT_EQ(calls[1]["args"]["request"], "PTRACE_DETACH");
  // The traced child was forked by the workload: fork and exit are seen too.
  auto forks = got.Of(child, "procfork");
  ASSERT_EQ(forks.size(), 1u);
  EXPECT_EQ(forks[0]["child_pid"], calls[0]["args"]["pid"]);
}

TEST(Capture, UninterestingSyscallsNeverReachTheRingBuffer) {
  LiveCaptureOptions only_openat;
  only_openat.syscalls = {"openat"};
  only_openat.add_state_syscalls = false;
  const std::string path = TempPath("filter");
  pid_t child = 0;
  auto got = CaptureWhile(only_openat, {WorkloadPath(), "closeloop", "20000", "open", path}, &child);
  std::filesystem::remove(path);
  uint64_t syscall_records = 0;
  for (const auto& e : got.events) {
    const std::string type = e["type"];
    EXPECT_TRUE(type == "openat" || type == "procexec" || type == "procfork" || type == "procexit")
        << "unexpected record " << e.dump();
    if (type == "openat") ++syscall_records;
  }
  // The positive control: the one interesting syscall of the workload is there.
  bool saw_open = false;
  for (const auto& e : got.Of(child, "openat")) saw_open |= e["args"]["name"] == path;
  EXPECT_TRUE(saw_open);
  // 20000 closes were made and none was sent: the kernel sent only what we received.
  EXPECT_EQ(got.kernel.sent, got.counters.records);
  EXPECT_LT(got.counters.records, 20000u);
}

TEST(Capture, LongPathsAreTruncatedAndFlagged) {
  // 7 directories of 99 characters: longer than RP_PATH_MAX, within the kernel's limits.
  std::string path = "/tmp";
  for (int i = 0; i < 7; ++i) path += "/" + std::string(99, 'a');
  pid_t child = 0;
  auto got = CaptureWhile({}, {WorkloadPath(), "openro", path}, &child);
  bool found = false;
  for (const auto& e : got.Of(child, "openat")) {
    const std::string name = e["args"]["name"];
    if (!name.starts_with("/tmp/aaaa")) continue;
    found = true;
    EXPECT_EQ(name.size(), RP_PATH_MAX - 1u);
    EXPECT_EQ(e["truncated"], json::array({"name"}));
    EXPECT_EQ(e["ret"], -ENOENT);
  }
  EXPECT_TRUE(found);
}

// A path in a page the process has not touched yet cannot be read at syscall entry (BPF
// may not fault); the exit hook reads it once the kernel has faulted it in, and says so.
// Both kinds of hooks.
TEST(Capture, APathNotFaultedInAtEntryIsReadAtExit) {
  const std::string target = TempPath("mapped-target");
  const std::string name_file = TempPath("mapped-name");
  std::ofstream(target) << "x";
  { std::ofstream(name_file) << target << '\0'; }
  for (bool raw : {false, true}) {
    SCOPED_TRACE(raw ? "raw_tracepoint" : "tp_btf");
    LiveCaptureOptions options;
    options.force_raw_tracepoint = raw;
    pid_t child = 0;
    auto got = CaptureWhile(options, {WorkloadPath(), "openmapped", name_file}, &child);
    bool found = false;
    for (const auto& e : got.Of(child, "openat")) {
      if (e["args"]["name"] != target) continue;
      found = true;
      EXPECT_EQ(e.value("params_read_at_exit", false), true) << e.dump();
      EXPECT_GE(e["ret"].get<int64_t>(), 0);
    }
    EXPECT_TRUE(found) << "no openat of " << target;
  }
  std::filesystem::remove(target);
  std::filesystem::remove(name_file);
}

// A fallback path records the same openat and unlink as the default one.
void ExpectOpenAndUnlinkRecorded(const LiveCaptureOptions& options, const std::string& tag) {
  const std::string path = TempPath(tag);
  pid_t child = 0;
  auto got = CaptureWhile(options, {WorkloadPath(), "open", path, "unlink", path}, &child);
  bool open_seen = false, unlink_seen = false;
  for (const auto& e : got.Of(child, "openat")) {
    if (e["args"]["name"] != path) continue;
    open_seen = true;
    EXPECT_EQ(e["args"]["dirfd"], "AT_FDCWD");
    EXPECT_GE(e["ret"].get<int>(), 0);
  }
  for (const auto& e : got.Of(child, "unlink")) unlink_seen |= e["args"]["path"] == path && e["ret"] == 0;
  EXPECT_TRUE(open_seen);
  EXPECT_TRUE(unlink_seen);
}

TEST(Capture, HashStashFallbackCapturesTheSameArguments) {
  LiveCaptureOptions hash;
  hash.force_hash_stash = true;
  ExpectOpenAndUnlinkRecorded(hash, "hash");
}

// Kernels without tp_btf hook syscalls with raw_tracepoint programs (registers read with
// a helper call each); the records must be the same.
TEST(Capture, RawTracepointFallbackCapturesTheSameArguments) {
  LiveCaptureOptions raw;
  raw.force_raw_tracepoint = true;
  ExpectOpenAndUnlinkRecorded(raw, "raw");
}

// procexit says who inherits what an ending process leaves behind, as the kernel decides
// it: this test process, a child subreaper, for the orphan of a shell that exits before
// its child; 0 for a process that leaves none. The wait status is the kernel's.
TEST(Capture, AnEndingProcessNamesTheReaperOfItsChildren) {
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  pid_t shell = 0;
  auto got = CaptureWhile({}, {"/bin/sh", "-c", "sleep 0.1 & exit 3"}, &shell, 600);
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 0), 0);
  auto forks = got.Of(shell, "procfork");
  ASSERT_EQ(forks.size(), 1u);
  const pid_t orphan = forks[0]["child_pid"].get<pid_t>();
  // The fork record says when the child's pid namespace's init started: this host's pid 1,
  // which /proc says to the clock tick (on the boot clock, the same on a machine never
  // suspended, as CI's are).
  std::ifstream init_stat("/proc/1/stat");
  std::string init_fields((std::istreambuf_iterator<char>(init_stat)), {});
  std::istringstream after_comm(init_fields.substr(init_fields.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 22; ++i) after_comm >> field;  // field 22: starttime, in ticks
  const double tick_ns = 1e9 / static_cast<double>(sysconf(_SC_CLK_TCK));
  EXPECT_NEAR(forks[0]["pidns_init_start_ns"].get<double>(), std::stod(field) * tick_ns, tick_ns);
  EXPECT_EQ(waitpid(orphan, nullptr, 0), orphan) << "the orphan was not handed to this process";
  auto shell_exit = got.Of(shell, "procexit");
  ASSERT_EQ(shell_exit.size(), 1u);
  EXPECT_EQ(shell_exit[0]["exit_code"], 3 << 8);
  EXPECT_EQ(shell_exit[0]["reaper_tid"], getpid());
  auto orphan_exit = got.Of(orphan, "procexit");
  ASSERT_EQ(orphan_exit.size(), 1u);
  EXPECT_EQ(orphan_exit[0]["exit_code"], 0);
  EXPECT_EQ(orphan_exit[0]["reaper_tid"], 0);
}

TEST(Capture, NoRecordsAreDroppedAtTheDefaultRingSize) {
  pid_t child = 0;
  auto got = CaptureWhile({}, {WorkloadPath(), "closeloop", "50000"}, &child);
  EXPECT_EQ(got.kernel.dropped_ring_full, 0u);
  size_t bad_closes = 0;
  for (const auto& e : got.Of(child, "close")) bad_closes += e["args"]["fd"] == -1;
  EXPECT_EQ(bad_closes, 50000u);
  EXPECT_EQ(got.counters.malformed, 0u);
}

}  // namespace
}  // namespace riposte::testing

namespace riposte::testing {
namespace {

// A 100 KB command line keeps its first 4096 bytes, as Falco keeps them, and says so: the
// exec record carries the truncation flag (shown as "truncated": ["args"]), and the
// process table knows its argv is incomplete.
TEST(Capture, AHugeArgvIsCutAtFalcosBoundAndFlagged) {
  std::vector<std::string> argv{WorkloadPath(), "sleepms", "1"};
  for (int i = 0; i < 100; ++i) argv.push_back(std::string(1000, static_cast<char>('a' + i % 26)));
  pid_t child = 0;
  auto got = CaptureWhile({}, argv, &child);
  auto execs = got.Of(child, "procexec");
  ASSERT_EQ(execs.size(), 1u);
  EXPECT_EQ(execs[0]["truncated"], json::array({"args"})) << execs[0].dump().substr(0, 300);
  size_t kept = 0;
  for (const auto& a : execs[0]["proc"]["args"]) kept += a.get<std::string>().size() + 1;
  kept += WorkloadPath().size() + 1;  // argv[0] is part of the kernel's argv block
  EXPECT_GE(kept, 4000u);
  EXPECT_LE(kept, 4097u);
}

}  // namespace
}  // namespace riposte::testing
