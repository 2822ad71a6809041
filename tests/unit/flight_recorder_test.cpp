// The flight recorder keeps the last seconds of records within its bounds, and a capture
// cut from it holds exactly its scope's records from `before` to `after`, as a capture
// file `replay` reads; plus the evidence files' rules (exclusive, no links), the writable
// layer's discovery, the tar writer and the evidence index's checks.
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "decode/record_decoder.h"
#include "evidence/evidence_files.h"
#include "evidence/evidence_index.h"
#include "evidence/flight_recorder.h"
#include "evidence/rootfs_diff.h"
#include "evidence/tar_writer.h"
#include "output/capture_file.h"
#include "output/container_snapshot.h"
#include "unit/record_builder.h"

namespace riposte::testing {
namespace {

using namespace std::chrono_literals;

int64_t BootNow() {
  timespec ts{};
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

class FlightRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = "/tmp/riposte-recorder-" + std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Add(10, "aaaa");  // container aaaa
    Add(20, "bbbb");  // container bbbb
    Add(30, "");      // the host
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Add(uint32_t pid, const std::string& container, uint32_t ppid = 1) {
    ProcessInfo p;
    p.pid = pid;
    p.ppid = ppid;
    p.comm = "p" + std::to_string(pid);
    p.container_id = container;
    table_.Put(p);
  }
  std::unique_ptr<FlightRecorder> Make(RecorderLimits limits = {}) {
    return std::make_unique<FlightRecorder>(limits, 0, [this](const CaptureClosed& c) {
      std::lock_guard lock(mu_);
      closed_.push_back(c);
      cv_.notify_all();
    });
  }
  // One openat record of `pid`, stamped now (or `age` ago), handed to the recorder.
  void Record(FlightRecorder& r, uint32_t pid, std::chrono::nanoseconds age = 0ns, const std::string& path = "/f") {
    RawRecord raw = SyscallRecord(SYS_openat, 3, {0, 0, 0}, path, {}, pid);
    Event e;
    ASSERT_TRUE(DecodeRecord(raw.bytes(), e).ok());
    e.ts_boot_ns = static_cast<uint64_t>(BootNow() - age.count());
    e.process = table_.Find(pid);
    r.Record(e);
  }
  void RecordFork(FlightRecorder& r, uint32_t parent, uint32_t child) {
    RawRecord raw = ForkRecord(parent, child);
    Event e;
    ASSERT_TRUE(DecodeRecord(raw.bytes(), e).ok());
    e.ts_boot_ns = static_cast<uint64_t>(BootNow());
    e.process = table_.Find(parent);
    r.Record(e);
  }
  // Requests a capture and services the recorder until it has started.
  Result<CaptureStarted> Start(FlightRecorder& r, CaptureSpec spec) {
    auto pending = std::async(std::launch::async, [&r, spec] { return r.Request(spec, 5s); });
    while (pending.wait_for(1ms) != std::future_status::ready) r.Service(table_, header_);
    return pending.get();
  }
  CaptureSpec Spec(CaptureScope scope, uint32_t pid, const std::string& name) {
    CaptureSpec s;
    s.alert_id = "a-1";
    s.policy = "p";
    s.step = "s";
    s.scope = scope;
    s.pid = pid;
    s.before = 5s;
    s.after = 100ms;
    s.path = dir_ + "/evidence/" + name + ".rcap";
    return s;
  }
  // Services until `n` captures have closed.
  std::vector<CaptureClosed> WaitClosed(FlightRecorder& r, size_t n) {
    for (int i = 0; i < 2000; ++i) {
      r.Service(table_, header_);
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, 2ms, [&] { return closed_.size() >= n; })) return closed_;
    }
    std::lock_guard lock(mu_);
    return closed_;
  }
  // The pids of the records in a capture file, and its process snapshots' count.
  std::vector<uint32_t> PidsIn(const std::string& path, size_t* snapshots = nullptr) {
    auto reader = CaptureReader::Open(path);
    EXPECT_TRUE(reader.ok()) << (reader.ok() ? "" : reader.error().message);
    std::vector<uint32_t> pids;
    if (!reader.ok()) return pids;
    size_t snaps = 0;
    FrameType type;
    std::span<const uint8_t> payload;
    while (true) {
      auto more = (*reader)->Next(type, payload);
      if (!more.ok() || !*more) break;
      if (type == FrameType::kProcessSnapshot) {
        ++snaps;
        continue;
      }
      if (type == FrameType::kContainerSnapshot) continue;
      Event e;
      EXPECT_TRUE(DecodeRecord(payload, e).ok());
      pids.push_back(e.pid);
    }
    if (snapshots) *snapshots = snaps;
    return pids;
  }

  std::string dir_;
  ProcessTable table_;
  nlohmann::json header_{{"time_base_ns", 0}, {"hostname", "h"}};
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<CaptureClosed> closed_;
};

TEST_F(FlightRecorderTest, AContainerCaptureHoldsItsRecordsFromBeforeAndAfterAndNoOneElses) {
  auto r = Make();
  Record(*r, 10, 10s, "/too-old");  // before `before`
  Record(*r, 10, 1s, "/before");
  Record(*r, 20, 1s);
  Record(*r, 30, 1s);
  auto started = Start(*r, Spec(CaptureScope::kContainer, 10, "c"));
  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_EQ(started->events_before, 1u);
  EXPECT_EQ(started->container_id, "aaaa");
  EXPECT_EQ(started->processes, 1u);
  Record(*r, 10, 0ns, "/after");
  Record(*r, 20);
  auto closed = WaitClosed(*r, 1);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_TRUE(closed[0].error.empty()) << closed[0].error;
  EXPECT_EQ(closed[0].events, 2u);
  EXPECT_FALSE(closed[0].truncated);
  size_t snapshots = 0;
  EXPECT_EQ(PidsIn(closed[0].spec.path, &snapshots), (std::vector<uint32_t>{10, 10}));
  EXPECT_EQ(snapshots, 1u);
  auto digest = DigestPath(closed[0].spec.path);
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(digest->sha256, closed[0].sha256);
  EXPECT_EQ(digest->size, closed[0].size);
  struct stat st {};
  ASSERT_EQ(stat(closed[0].spec.path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Records arriving after the capture closed are not in it.
  Record(*r, 10);
  r->Stop();
  EXPECT_EQ(PidsIn(closed[0].spec.path).size(), 2u);
}

TEST_F(FlightRecorderTest, AProcessThatJoinsAContainerAtExecIsThatContainersFromThen) {
  auto r = Make();
  Add(60, "");  // as `docker exec` starts: a host process...
  Record(*r, 60, 1s, "/before-exec");
  table_.Find(60)->container_id = "aaaa";  // ...that the exec puts in the container
  Record(*r, 60, 1s, "/after-exec");
  auto spec = Spec(CaptureScope::kContainer, 10, "joined");
  spec.after = 0ms;
  ASSERT_TRUE(Start(*r, spec).ok());
  auto closed = WaitClosed(*r, 1);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(PidsIn(closed[0].spec.path), (std::vector<uint32_t>{60})) << "only the record after the exec";
}

TEST_F(FlightRecorderTest, AProcessTreeCaptureFollowsForksOfTheTargetNotOfItsParent) {
  Add(11, "aaaa", 10);
  auto r = Make();
  Record(*r, 11, 1s);  // a child alive now: in the tree
  Record(*r, 10, 1s);
  Record(*r, 30, 1s);  // host: not in the tree
  auto spec = Spec(CaptureScope::kProcessTree, 10, "t");
  spec.after = 300ms;
  ASSERT_TRUE(Start(*r, spec).ok());
  RecordFork(*r, 11, 12);  // a grandchild born during the capture
  Record(*r, 12);
  Record(*r, 20);
  auto closed = WaitClosed(*r, 1);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(PidsIn(closed[0].spec.path), (std::vector<uint32_t>{11, 10, 11, 12}));
}

TEST_F(FlightRecorderTest, APodCaptureHoldsEveryContainerOfThePodAndNoOther) {
  auto in_pod = [&](uint32_t pid, const std::string& container, const std::string& pod) {
    Add(pid, container);
    auto entry = std::make_shared<ContainerEntry>(container);
    ContainerInfo info;
    info.id = container;
    info.pod_uid = pod;
    entry->Publish(info);
    table_.Find(pid)->container = entry;
  };
  in_pod(10, "aaaa", "pod-p");
  in_pod(40, "cccc", "pod-p");  // the sidecar
  in_pod(20, "bbbb", "pod-q");
  auto r = Make();
  Record(*r, 10, 1s);
  Record(*r, 40, 1s);
  Record(*r, 20, 1s);
  auto spec = Spec(CaptureScope::kPod, 10, "pod");
  spec.pod_uid = "pod-p";
  auto started = Start(*r, spec);
  ASSERT_TRUE(started.ok());
  EXPECT_EQ(started->scope, CaptureScope::kPod);
  EXPECT_EQ(started->processes, 2u);
  in_pod(50, "dddd", "pod-p");  // a container started in the pod during the capture
  r->Service(table_, header_);
  Record(*r, 50);
  Record(*r, 20);
  auto closed = WaitClosed(*r, 1);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(PidsIn(closed[0].spec.path), (std::vector<uint32_t>{10, 40, 50}));
  // Outside Kubernetes, a pod capture is its container's.
  auto lone = Spec(CaptureScope::kPod, 10, "lone");
  auto lone_started = Start(*r, lone);
  ASSERT_TRUE(lone_started.ok());
  EXPECT_EQ(lone_started->scope, CaptureScope::kContainer);
}

TEST_F(FlightRecorderTest, ContainerDescriptionsTravelInTheCaptureAndReadBackWhole) {
  ContainerInfo c;
  c.id = "aaaa";
  c.engine = "docker";
  c.name = "web";
  c.image = "riposte.local/busybox:1";
  c.labels = {{"team", "red"}};
  c.mounts = {{"/host", "/data", "rbind,rw", true, "rprivate"}};
  c.image_digest = "sha256:00";
  c.pod_name = "checkout";
  c.pod_uid = "u-1";
  auto back = ContainerFromSnapshot(ContainerToSnapshot(c));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(ContainerToSnapshot(*back), ContainerToSnapshot(c));
  EXPECT_FALSE(back->ip.has_value()) << "what the engine did not say stays unsaid";
  EXPECT_FALSE(ContainerFromSnapshot(nlohmann::json{{"id", "x"}}).ok());

  auto entry = std::make_shared<ContainerEntry>("aaaa");
  entry->Publish(c);
  table_.Find(10)->container = entry;
  auto r = Make();
  Record(*r, 10, 1s);
  auto spec = Spec(CaptureScope::kContainer, 10, "described");
  spec.after = 0ms;
  ASSERT_TRUE(Start(*r, spec).ok());
  auto closed = WaitClosed(*r, 1);
  ASSERT_EQ(closed.size(), 1u);
  auto reader = CaptureReader::Open(closed[0].spec.path);
  ASSERT_TRUE(reader.ok());
  FrameType type;
  std::span<const uint8_t> payload;
  auto more = (*reader)->Next(type, payload);
  ASSERT_TRUE(more.ok() && *more);
  ASSERT_EQ(type, FrameType::kContainerSnapshot) << "containers come before the processes that refer to them";
  auto described = ContainerFromSnapshot(nlohmann::json::parse(payload.begin(), payload.end()));
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(described->name, "web");
}

TEST_F(FlightRecorderTest, AProcessWhoseNameAndArgsAreNotUtf8IsCapturedNotFatal) {
  ProcessInfo* p = table_.Find(10);
  p->comm = "x\xff\xfe";
  p->args = {"\xc3\x28", "ok"};
  p->env = {"A=\xf0\x28\x8c\x28"};
  auto r = Make();
  Record(*r, 10, 1s);
  auto spec = Spec(CaptureScope::kContainer, 10, "utf8");
  spec.after = 0ms;
  spec.meta = {{"alert", {{"output", "read by \xff"}}}};
  ASSERT_TRUE(Start(*r, spec).ok());
  auto closed = WaitClosed(*r, 1);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_TRUE(closed[0].error.empty()) << closed[0].error;
  size_t snapshots = 0;
  EXPECT_EQ(PidsIn(closed[0].spec.path, &snapshots).size(), 1u);
  EXPECT_EQ(snapshots, 1u);
}

TEST_F(FlightRecorderTest, AHostProcessAskedForByContainerIsCapturedByItsTree) {
  auto r = Make();
  Record(*r, 30, 1s);
  Record(*r, 10, 1s);
  auto started = Start(*r, Spec(CaptureScope::kContainer, 30, "h"));
  ASSERT_TRUE(started.ok());
  EXPECT_EQ(started->container_id, "host");
  auto closed = WaitClosed(*r, 1);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].spec.scope, CaptureScope::kProcessTree);
  EXPECT_EQ(PidsIn(closed[0].spec.path), (std::vector<uint32_t>{30}));
}

TEST_F(FlightRecorderTest, TheRingStaysWithinItsBytesAndItsWindow) {
  RecorderLimits limits;
  limits.block_bytes = 4096;
  limits.max_bytes = 4 * 4096;
  limits.window = 2s;
  auto r = Make(limits);
  for (int i = 0; i < 2000; ++i) Record(*r, 10);
  r->Service(table_, header_);
  RecorderStats s = r->stats();
  EXPECT_LE(s.bytes_held, limits.max_bytes + limits.block_bytes) << "the bound, and at most one spare block";
  EXPECT_GT(s.records_held, 0u);
  EXPECT_LT(s.records_held, 2000u) << "the oldest blocks made room";
  // Records older than the window leave with their block.
  limits.max_bytes = 1 << 20;
  auto old = Make(limits);
  for (int i = 0; i < 200; ++i) Record(*old, 10, 10s);
  for (int i = 0; i < 200; ++i) Record(*old, 10);
  old->Service(table_, header_);
  auto spec = Spec(CaptureScope::kHost, 10, "w");
  spec.before = std::chrono::hours(1);
  spec.after = 0ms;
  auto started = Start(*old, spec);
  ASSERT_TRUE(started.ok());
  EXPECT_LE(started->events_before, 200u + 4096 / 32) << "at most a block's worth of old records";
  EXPECT_GE(started->events_before, 200u);
}

TEST_F(FlightRecorderTest, ACaptureStopsAtItsByteBoundAndSaysSo) {
  auto r = Make();
  for (int i = 0; i < 100; ++i) Record(*r, 10, 1s);
  auto spec = Spec(CaptureScope::kContainer, 10, "b");
  spec.max_bytes = 1000;
  spec.after = 10s;
  ASSERT_TRUE(Start(*r, spec).ok());
  auto closed = WaitClosed(*r, 1);  // closed at once, not after 10 s
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_TRUE(closed[0].truncated);
  EXPECT_LT(closed[0].events, 100u);
  EXPECT_GT(closed[0].events, 0u);
}

TEST_F(FlightRecorderTest, NoMoreThanItsBoundOfCapturesRunAtOnce) {
  RecorderLimits limits;
  limits.max_captures = 2;
  auto r = Make(limits);
  Record(*r, 10, 1s);
  for (int i = 0; i < 2; ++i) {
    auto spec = Spec(CaptureScope::kContainer, 10, "bound-" + std::to_string(i));
    spec.after = 60s;
    ASSERT_TRUE(Start(*r, spec).ok());
  }
  auto refused = Start(*r, Spec(CaptureScope::kContainer, 10, "bound-2"));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("too many captures"), std::string::npos);
  auto dry = Spec(CaptureScope::kContainer, 10, "bound-dry");
  dry.dry_run = true;
  EXPECT_TRUE(Start(*r, dry).ok()) << "a dry run holds nothing";
  r->Stop();
  EXPECT_EQ(closed_.size(), 2u);
}

TEST_F(FlightRecorderTest, StopClosesRunningCapturesAndRefusesNewOnes) {
  auto r = Make();
  Record(*r, 10, 1s);
  auto spec = Spec(CaptureScope::kContainer, 10, "s");
  spec.after = 60s;
  ASSERT_TRUE(Start(*r, spec).ok());
  r->Stop();
  ASSERT_EQ(closed_.size(), 1u);
  EXPECT_EQ(closed_[0].cut_short, "the agent stopped");
  EXPECT_EQ(closed_[0].events, 1u);
  auto refused = r->Request(Spec(CaptureScope::kContainer, 10, "s2"), 100ms);
  EXPECT_FALSE(refused.ok());
}

TEST_F(FlightRecorderTest, ADryRunCountsAndWritesNothing) {
  auto r = Make();
  Record(*r, 10, 1s);
  Record(*r, 10, 1s);
  auto spec = Spec(CaptureScope::kContainer, 10, "d");
  spec.dry_run = true;
  auto started = Start(*r, spec);
  ASSERT_TRUE(started.ok());
  EXPECT_EQ(started->events_before, 2u);
  r->Stop();
  EXPECT_TRUE(closed_.empty());
  EXPECT_FALSE(std::filesystem::exists(spec.path));
}

TEST_F(FlightRecorderTest, EvidenceFilesAreNewRegularFilesNeverThroughALink) {
  EXPECT_EQ(EvidenceName("../../etc/passwd"), "_.._.._etc_passwd");
  EXPECT_EQ(EvidenceName(".hidden"), "_.hidden");
  EXPECT_EQ(EvidenceDirOf("/e", "a/b"), "/e/a_b");
  const std::string path = dir_ + "/ev/one.json";
  auto written = WriteEvidenceFile(path, "hello");
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(written->sha256, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  EXPECT_EQ(written->size, 5u);
  auto again = WriteEvidenceFile(path, "other");
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("exists already"), std::string::npos);
  std::ifstream in(path);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "hello") << "evidence is never replaced";
  const std::string target = dir_ + "/victim";
  std::ofstream(target) << "keep";
  std::filesystem::create_symlink(target, dir_ + "/ev/link.json");
  EXPECT_FALSE(WriteEvidenceFile(dir_ + "/ev/link.json", "x").ok());
  std::ifstream victim(target);
  victim >> content;
  EXPECT_EQ(content, "keep");
}

TEST_F(FlightRecorderTest, TheWritableLayerIsTheRootOverlaysUpperDir) {
  const std::string mountinfo =
      "22 1 0:21 / /proc rw - proc proc rw\n"
      "800 700 0:99 / / rw,relatime - overlay overlay rw,lowerdir=/l1:/l2,upperdir=/var/lib/c/snap\\0401/fs,"
      "workdir=/var/lib/c/snap 1/work\n"
      "801 800 0:5 / /dev rw - tmpfs tmpfs rw\n";
  EXPECT_EQ(UpperDirOfRoot(mountinfo), "/var/lib/c/snap 1/fs");
  EXPECT_EQ(UpperDirOfRoot("1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"), "");
}

TEST_F(FlightRecorderTest, TheEvidenceIndexChecksEachFileAgainstTheTrail) {
  const std::string kept = dir_ + "/kept.json", altered = dir_ + "/altered.json";
  auto a = WriteEvidenceFile(kept, "kept");
  auto b = WriteEvidenceFile(altered, "before");
  ASSERT_TRUE(a.ok() && b.ok());
  std::ofstream(altered, std::ios::app) << "after";
  auto line = [](uint64_t seq, const std::string& action, const std::string& path, const std::string& sha) {
    return nlohmann::json{{"seq", seq}, {"time", "t"}, {"alert_id", "x-1"}, {"rule", "R"}, {"policy", "p"},
                          {"kind", "action"}, {"step", action}, {"action", action}, {"phase", "result"},
                          {"outcome", "done"}, {"details", {{"path", path}, {"sha256", sha}}}}
        .dump();
  };
  const std::string trail = dir_ + "/audit.log";
  std::ofstream(trail) << line(1, "evidence.process", kept, a->sha256) << "\n"
                       << line(2, "evidence.file", altered, b->sha256) << "\n"
                       << line(3, "evidence.container", dir_ + "/gone.json", a->sha256) << "\n"
                       << line(4, "capture", dir_ + "/c.rcap", "") << "\n";
  auto index = IndexEvidence({trail});
  ASSERT_TRUE(index.ok()) << index.error().message;
  ASSERT_EQ(index->count("x-1"), 1u);
  const auto& items = index->at("x-1").items;
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0].check, EvidenceCheck::kIntact);
  EXPECT_EQ(items[1].check, EvidenceCheck::kAltered);
  EXPECT_EQ(items[2].check, EvidenceCheck::kMissing);
  EXPECT_EQ(items[3].check, EvidenceCheck::kPending);
  // The export archives what exists, says what does not, and tar reads it.
  const std::string tarball = dir_ + "/x.tar";
  auto exported = ExportEvidence(index->at("x-1"), {{"chain", "intact"}}, tarball);
  ASSERT_TRUE(exported.ok()) << exported.error().message;
  EXPECT_EQ(exported->files, 2u);
  EXPECT_FALSE(exported->all_intact);
  FILE* p = popen(("tar -tf " + tarball).c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string listing;
  char buf[256];
  while (fgets(buf, sizeof(buf), p)) listing += buf;
  EXPECT_EQ(pclose(p), 0) << listing;
  EXPECT_EQ(listing, "manifest.json\nrecords.jsonl\nfiles/1-kept.json\nfiles/2-altered.json\n");
  EXPECT_FALSE(ExportEvidence(index->at("x-1"), {}, tarball).ok()) << "an existing archive is not replaced";
}

}  // namespace
}  // namespace riposte::testing
