#include "decode/falco_flag_sets.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "decode/arg_format.h"

namespace riposte {
namespace {

// Each expected value below is what Falco 0.44.1 printed for the same call in the
// conformance corpus (../shared/conformance/expected), or follows from its tables.

TEST(FalcoFlagSets, CloneFlagsAreFalcosBitsInItsTableOrder) {
  // glibc's fork(): the exit signal in the low byte is not a flag.
  const uint64_t fork_flags = CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | SIGCHLD;
  EXPECT_EQ(FalcoCloneFlags(fork_flags, false), 25165824u);
  EXPECT_EQ(FormatArg(ArgKind::kCloneFlags, fork_flags), "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID");
  // pthread_create's clone3 flags.
  const uint64_t thread_flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                                CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
  EXPECT_EQ(ArgNumber(ArgKind::kCloneFlags, thread_flags), 41990659);
  EXPECT_EQ(FormatArg(ArgKind::kCloneFlags, thread_flags),
            "CLONE_FILES|CLONE_FS|CLONE_PARENT_SETTID|CLONE_SIGHAND|CLONE_SYSVSEM|CLONE_THREAD|CLONE_VM|"
            "CLONE_CHILD_CLEARTID|CLONE_SETTLS");
  // unshare and setns share the table.
  EXPECT_EQ(FormatArg(ArgKind::kCloneFlags, CLONE_NEWNS | CLONE_NEWIPC), "CLONE_NEWIPC|CLONE_NEWNS");
  EXPECT_EQ(ArgNumber(ArgKind::kCloneFlags, CLONE_NEWNS | CLONE_NEWIPC), 40);
  EXPECT_EQ(ArgNumber(ArgKind::kCloneFlags, CLONE_NEWNET), 16);
  EXPECT_EQ(FormatArg(ArgKind::kCloneFlags, 0), "0");
  // The namespace bit comes from the kernel side, not from the flags.
  EXPECT_EQ(FalcoCloneFlags(0, true), kFalcoCloneChildInPidns);
  EXPECT_EQ(FormatArg(ArgKind::kCloneFlags, CLONE_NEWPID), "CLONE_NEWPID");
  // evt.rawarg: Falco displays these flags in hex.
  EXPECT_EQ(FormatRawArg(ArgKind::kCloneFlags, fork_flags), "1800000");
  EXPECT_TRUE(RawArgIsText(ArgKind::kCloneFlags));
}

TEST(FalcoFlagSets, AtFlagsKeepWhatFalcosDriverKeeps) {
  EXPECT_EQ(FormatArg(ArgKind::kUnlinkatFlags, AT_REMOVEDIR), "AT_REMOVEDIR");
  EXPECT_EQ(ArgNumber(ArgKind::kUnlinkatFlags, AT_REMOVEDIR), 512);
  EXPECT_EQ(FormatArg(ArgKind::kUnlinkatFlags, 0), "0");
  EXPECT_EQ(FormatArg(ArgKind::kLinkatFlags, AT_SYMLINK_FOLLOW), "AT_SYMLINK_FOLLOW");
  // fchownat: a caller's AT_SYMLINK_NOFOLLOW is dropped (Falco shows 0), AT_EMPTY_PATH kept;
  // Falco's table calls the AT_SYMLINK_FOLLOW bit AT_SYMLINK_NOFOLLOW.
  EXPECT_EQ(ArgNumber(ArgKind::kFchownatFlags, AT_SYMLINK_NOFOLLOW), 0);
  EXPECT_EQ(FormatArg(ArgKind::kFchownatFlags, AT_EMPTY_PATH), "AT_EMPTY_PATH");
  EXPECT_EQ(FormatArg(ArgKind::kFchownatFlags, AT_SYMLINK_FOLLOW), "AT_SYMLINK_NOFOLLOW");
  EXPECT_EQ(FormatArg(ArgKind::kRenameFlags, 2), "RENAME_EXCHANGE");
  EXPECT_EQ(FormatArg(ArgKind::kRenameFlags, 1), "RENAME_NOREPLACE");
}

TEST(FalcoFlagSets, MountFlagsDropTheMsPrefixAndTheMagic) {
  EXPECT_EQ(FormatArg(ArgKind::kMountFlags, MS_RDONLY | MS_REMOUNT | MS_BIND), "RDONLY|REMOUNT|BIND");
  EXPECT_EQ(ArgNumber(ArgKind::kMountFlags, MS_RDONLY | MS_REMOUNT | MS_BIND), 4129);
  EXPECT_EQ(FormatArg(ArgKind::kMountFlags, MS_NOSUID | MS_NODEV | MS_NOEXEC), "NOSUID|NODEV|NOEXEC");
  EXPECT_EQ(FormatArg(ArgKind::kMountFlags, MS_PRIVATE), "PRIVATE");
  EXPECT_EQ(ArgNumber(ArgKind::kMountFlags, MS_MGC_VAL | MS_NOSUID), MS_NOSUID);
  EXPECT_EQ(FormatArg(ArgKind::kUmountFlags, MNT_DETACH), "DETACH");
  EXPECT_EQ(FormatArg(ArgKind::kUmountFlags, 0), "0");
}

TEST(FalcoFlagSets, EnumsNameOneValueWithEveryAlias) {
  // ptrace: Falco numbers the requests itself.
  EXPECT_EQ(ArgNumber(ArgKind::kPtraceRequest, PTRACE_TRACEME), 1);
  EXPECT_EQ(ArgNumber(ArgKind::kPtraceRequest, PTRACE_SEIZE), 20);
  EXPECT_EQ(FormatArg(ArgKind::kPtraceRequest, PTRACE_ATTACH), "PTRACE_ATTACH");
  EXPECT_EQ(FormatRawArg(ArgKind::kPtraceRequest, PTRACE_GETREGS), "26");
  EXPECT_FALSE(RawArgIsText(ArgKind::kPtraceRequest));
  EXPECT_EQ(FormatArg(ArgKind::kPtraceRequest, 0x4299), "PTRACE_UNKNOWN");
  // bpf: the kernel's numbers; one value with two names shows both.
  EXPECT_EQ(FormatArg(ArgKind::kBpfCommand, 5), "BPF_PROG_LOAD");
  EXPECT_EQ(FormatArg(ArgKind::kBpfCommand, 10), "BPF_PROG_TEST_RUN|BPF_PROG_RUN");
  EXPECT_EQ(FormatArg(ArgKind::kBpfCommand, 99), "99");
}

// accept4's flags are O_NONBLOCK (1 << 6) and O_CLOEXEC (1 << 12) in Falco's open
// encoding, a plain number it shows in hex: 0x1040.
TEST(FalcoFlagSets, AcceptFlagsAreAHexNumberInFalcosOpenEncoding) {
  EXPECT_EQ(ArgNumber(ArgKind::kAcceptFlags, SOCK_NONBLOCK | SOCK_CLOEXEC), 4160);
  EXPECT_EQ(FormatArg(ArgKind::kAcceptFlags, SOCK_NONBLOCK | SOCK_CLOEXEC), "1040");
  EXPECT_EQ(FormatArg(ArgKind::kAcceptFlags, 0), "0");
}

}  // namespace
}  // namespace riposte
