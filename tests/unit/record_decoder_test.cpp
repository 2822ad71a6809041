#include "decode/record_decoder.h"

#include <fcntl.h>

#include <gtest/gtest.h>

#include "kernel/syscall_table.h"
#include "unit/record_builder.h"

namespace riposte::testing {
namespace {

TEST(RecordDecoder, DecodesASyscallWithArgsAndPathParam) {
  auto rec = SyscallRecord(SYS_openat, 3, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY}, "/etc/passwd");
  Event e;
  ASSERT_TRUE(DecodeRecord(rec.bytes(), e).ok());
  EXPECT_EQ(e.kind, EventKind::kSyscall);
  ASSERT_NE(e.syscall, nullptr);
  EXPECT_EQ(e.syscall->name, "openat");
  EXPECT_EQ(e.ret, 3);
  EXPECT_EQ(e.pid, 100u);
  EXPECT_EQ(e.params[0], "/etc/passwd");  // without its NUL
  EXPECT_EQ(e.args[2], static_cast<uint64_t>(O_RDONLY));
}

TEST(RecordDecoder, DecodesTwoPathParamsBackToBack) {
  auto rec = SyscallRecord(SYS_rename, 0, {}, "/a/old", "/a/new");
  Event e;
  ASSERT_TRUE(DecodeRecord(rec.bytes(), e).ok());
  EXPECT_EQ(e.params[0], "/a/old");
  EXPECT_EQ(e.params[1], "/a/new");
}

TEST(RecordDecoder, DecodesExecWithArgvEnvAndCgroup) {
  auto rec = ExecRecord(42, 1, "/usr/bin/cat", {"cat", "/etc/shadow"}, "/default/web", {"A=1", "B=2"});
  Event e;
  ASSERT_TRUE(DecodeRecord(rec.bytes(), e).ok());
  EXPECT_EQ(e.kind, EventKind::kProcessExec);
  EXPECT_EQ(e.exe, "/usr/bin/cat");
  EXPECT_EQ(e.argv, std::string_view("cat\0/etc/shadow\0", 16));
  EXPECT_EQ(e.env, std::string_view("A=1\0B=2\0", 8));
  EXPECT_EQ(e.cgroup, "/default/web");
  EXPECT_EQ(e.exec->ppid, 1u);
}

TEST(RecordDecoder, DecodesForkAndExit) {
  Event e;
  auto fork = ForkRecord(10, 11);
  ASSERT_TRUE(DecodeRecord(fork.bytes(), e).ok());
  EXPECT_EQ(e.kind, EventKind::kProcessFork);
  EXPECT_EQ(e.child_pid, 11u);
  auto exit = ExitRecord(11, true);
  ASSERT_TRUE(DecodeRecord(exit.bytes(), e).ok());
  EXPECT_EQ(e.kind, EventKind::kProcessExit);
  EXPECT_TRUE(e.group_dead);
}

TEST(RecordDecoder, RejectsARecordShorterThanItsHeader) {
  uint8_t tiny[8] = {};
  Event e;
  auto st = DecodeRecord(tiny, e);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("shorter than a header"), std::string::npos);
}

TEST(RecordDecoder, RejectsAHeaderSizeLargerThanTheBytes) {
  auto rec = SyscallRecord(SYS_close, 0, {3});
  auto bytes = rec.bytes().first(rec.size - 4);
  Event e;
  auto st = DecodeRecord(bytes, e);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("does not match"), std::string::npos);
}

TEST(RecordDecoder, RejectsParamLengthsThatRunPastTheRecord) {
  auto rec = SyscallRecord(SYS_openat, 3, {}, "/x");
  auto* r = reinterpret_cast<rp_syscall_record*>(rec.storage.data());
  r->param_len[1] = 400;  // lies: nothing follows
  Event e;
  auto st = DecodeRecord(rec.bytes(), e);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("run past"), std::string::npos);
}

TEST(RecordDecoder, RejectsUnknownKindsAndSyscalls) {
  auto rec = SyscallRecord(SYS_openat, 3, {}, "/x");
  auto* r = reinterpret_cast<rp_syscall_record*>(rec.storage.data());
  Event e;
  r->nr = 499;
  EXPECT_FALSE(DecodeRecord(rec.bytes(), e).ok());
  r->nr = SYS_openat;
  r->hdr.kind = 77;
  auto st = DecodeRecord(rec.bytes(), e);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("unknown record kind 77"), std::string::npos);
}

TEST(RecordDecoder, RejectsExecFieldsLongerThanTheirBound) {
  auto rec = ExecRecord(1, 0, "/bin/sh", {"sh"});
  auto* r = reinterpret_cast<rp_exec_record*>(rec.storage.data());
  r->args_len = RP_ARGS_MAX + 1;
  Event e;
  EXPECT_FALSE(DecodeRecord(rec.bytes(), e).ok());
}

TEST(SyscallTable, EveryEntryIsConsistentWithItsKernelSpec) {
  for (const auto& s : KnownSyscalls()) {
    EXPECT_EQ(FindSyscall(s.nr), &s) << s.name;
    EXPECT_EQ(FindSyscall(s.name), &s) << s.name;
    bool entry = s.spec.param[0].source == RP_PARAM_PATH || s.spec.param[0].source == RP_PARAM_SOCKADDR ||
                 s.spec.param[0].source == RP_PARAM_MSGHDR_NAME || s.spec.param[0].source == RP_PARAM_BLOB;
    EXPECT_EQ(entry, (s.spec.flags & RP_SPEC_ENTER) != 0) << s.name;
    // Exit-time params land at data[0]: they may not follow an entry param. A failed
    // exec's strings are the exception: read at exit, after the entry's path.
    for (int i = 0; i < 2; ++i) {
      if (s.spec.param[i].source == RP_PARAM_OUT_EXEC_STRINGS) {
        EXPECT_EQ(i, 1) << s.name;
        EXPECT_EQ(s.params[i].kind, ParamKind::kExecStrings) << s.name;
      } else if (s.spec.param[i].source >= RP_PARAM_OUT_BLOB) {
        EXPECT_EQ(i, 0) << s.name;
      }
    }
    EXPECT_EQ(s.params[0].kind != ParamKind::kNone, s.spec.param[0].source != RP_PARAM_NONE) << s.name;
  }
  for (auto name : DefaultSyscalls()) EXPECT_NE(FindSyscall(name), nullptr) << name;
  for (auto name : StateSyscalls()) EXPECT_NE(FindSyscall(name), nullptr) << name;
}

}  // namespace
}  // namespace riposte::testing
