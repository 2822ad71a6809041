#include "output/capture_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "output/process_snapshot.h"

namespace riposte {
namespace {

std::string Temp(const std::string& name) {
  return "/tmp/riposte-unit-" + std::to_string(getpid()) + "-" + name;
}

TEST(CaptureFile, RoundTripsHeaderAndFrames) {
  const std::string path = Temp("rt");
  {
    auto w = CaptureWriter::Create(path, {{"time_base_ns", 42}});
    ASSERT_TRUE(w.ok());
    const uint8_t a[] = {1, 2, 3};
    const uint8_t b[] = {9, 8, 7, 6, 5, 4, 3, 2, 1};
    ASSERT_TRUE((*w)->Write(FrameType::kKernelRecord, a).ok());
    ASSERT_TRUE((*w)->Write(FrameType::kProcessSnapshot, b).ok());
  }
  auto r = CaptureReader::Open(path);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)->header().meta["time_base_ns"], 42);
  FrameType type;
  std::span<const uint8_t> payload;
  ASSERT_TRUE((*r)->Next(type, payload).value());
  EXPECT_EQ(type, FrameType::kKernelRecord);
  EXPECT_EQ(payload.size(), 3u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(payload.data()) % 8, 0u);  // aligned like the ring buffer
  ASSERT_TRUE((*r)->Next(type, payload).value());
  EXPECT_EQ(type, FrameType::kProcessSnapshot);
  EXPECT_EQ(payload[0], 9);
  EXPECT_FALSE((*r)->Next(type, payload).value());
  std::filesystem::remove(path);
}

TEST(CaptureFile, RejectsAFileThatIsNotACapture) {
  const std::string path = Temp("bad");
  std::ofstream(path) << "hello world, not a capture";
  auto r = CaptureReader::Open(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, path + ": byte 0: not a riposte capture file (bad magic)");
  std::filesystem::remove(path);
}

TEST(CaptureFile, ReportsTheOffsetOfATruncatedFrame) {
  const std::string path = Temp("trunc");
  {
    auto w = CaptureWriter::Create(path, {});
    const uint8_t a[16] = {};
    ASSERT_TRUE((*w)->Write(FrameType::kKernelRecord, a).ok());
    ASSERT_TRUE((*w)->Write(FrameType::kKernelRecord, a).ok());
  }
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 5);
  auto r = CaptureReader::Open(path);
  ASSERT_TRUE(r.ok());
  FrameType type;
  std::span<const uint8_t> payload;
  ASSERT_TRUE((*r)->Next(type, payload).value());
  auto second = (*r)->Next(type, payload);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find(": byte 56: truncated frame"), std::string::npos)
      << second.error().message;
  std::filesystem::remove(path);
}

TEST(ProcessSnapshot, RoundTripsAProcessWithFds) {
  ProcessInfo p;
  p.pid = 7;
  p.ppid = 1;
  p.comm = "nginx";
  p.args = {"-g", "daemon off;"};
  p.cgroup = "/default/web";
  FdInfo sock;
  sock.type = FdType::kIpv4;
  sock.name = "1.2.3.4:80->5.6.7.8:9999";
  sock.tuple.local_port = 80;
  sock.tuple.local_addr[0] = 1;
  p.fds.Set(6, sock);
  auto back = ProcessFromSnapshot(ProcessToSnapshot(p));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->comm, "nginx");
  EXPECT_EQ(back->args, p.args);
  ASSERT_NE(back->fds.Find(6), nullptr);
  EXPECT_EQ(back->fds.Find(6)->name, sock.name);
  EXPECT_EQ(back->fds.Find(6)->tuple.local_addr[0], 1);
  EXPECT_FALSE(ProcessFromSnapshot(nlohmann::json{{"pid", 1}}).ok());
}

}  // namespace
}  // namespace riposte
