// A container's first events wait for the runtime's description without holding anyone
// else's, and are judged, in their order, against the state they were seen in: once the
// description is published, at once when the lookup gives up, without it when the bound
// or a limit is reached (then counted, and the container's later events go on at once).
#include <fcntl.h>
#include <unistd.h>

#include <thread>

#include <gtest/gtest.h>

#include "decode/record_decoder.h"
#include "pipeline/detection_stage.h"
#include "state/state_tracker.h"
#include "unit/record_builder.h"

namespace riposte::testing {
namespace {

class ContainerEventHoldTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto set = RuleSet::LoadTexts({{"t.yaml",
                                    "- rule: Open\n  desc: t\n  condition: evt.type = openat\n"
                                    "  output: \"%container.name %proc.name %fd.name\"\n  priority: WARNING\n"}});
    engine_ = std::make_unique<RuleEngine>(std::shared_ptr<const RuleSet>(std::move(set)), Priority::kDebug, "h");
    Seed(30, "cat", nullptr);
  }

  void Seed(uint32_t pid, const std::string& comm, std::shared_ptr<ContainerEntry> container) {
    ProcessInfo p;
    p.pid = pid;
    p.ppid = 1;
    p.comm = p.exe = comm;
    p.exepath = "/usr/bin/" + comm;
    tracker_.Seed(p);
    if (container) {  // as a runtime-less cgroup reading cannot: an entry of our own
      ProcessInfo* seeded = tracker_.processes().Find(pid);
      seeded->container_id = container->id();
      seeded->container = std::move(container);
    }
  }

  // An openat of `path` by `pid`, through the state stage, into the detection stage.
  void Open(DetectionStage& stage, uint32_t pid, const std::string& path) {
    auto rec = SyscallRecord(SYS_openat, 3, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY}, path, {}, pid);
    Event e;
    ASSERT_TRUE(DecodeRecord(rec.bytes(), e).ok());
    tracker_.Apply(e);
    stage.OnEvent(e, tracker_.processes(), 0);
    // The ring buffer's bytes are gone once the event has been handled.
    std::fill(rec.storage.begin(), rec.storage.end(), 0);
  }

  DetectionStage Stage(ContainerHoldLimits limits = {}) {
    DetectionStageOptions o;
    o.container_hold = limits;
    return DetectionStage(*engine_, [this](const Alert& a) { outputs_.push_back(a.output); }, nullptr, o);
  }

  static ContainerInfo Described(const std::string& id, const std::string& name) {
    ContainerInfo info;
    info.id = id;
    info.name = name;
    return info;
  }

  StateTracker tracker_{StateConfig{}, nullptr};
  std::unique_ptr<RuleEngine> engine_;
  std::vector<std::string> outputs_;
};

TEST_F(ContainerEventHoldTest, HeldUntilDescribedJudgedInOrderAgainstTheStateTheyWereSeenIn) {
  auto web = std::make_shared<ContainerEntry>("c0ffee");
  Seed(40, "sh", web);
  DetectionStage stage = Stage();
  Open(stage, 40, "/etc/first");
  Open(stage, 40, "/etc/second");
  EXPECT_TRUE(outputs_.empty());
  // A host process is not held behind the container.
  Open(stage, 30, "/etc/host");
  ASSERT_EQ(outputs_.size(), 1u);
  EXPECT_NE(outputs_[0].find("/etc/host"), std::string::npos);
  // The process execs something else before the description arrives: the held events
  // keep the name they were seen with.
  tracker_.processes().Find(40)->comm = "nc";
  stage.Tick();
  EXPECT_EQ(outputs_.size(), 1u);  // still undescribed, within the bound
  web->Publish(Described("c0ffee", "web"));
  stage.Tick();
  ASSERT_EQ(outputs_.size(), 3u);
  EXPECT_EQ(outputs_[1], "web sh /etc/first");
  EXPECT_EQ(outputs_[2], "web sh /etc/second");
  // Described: later events are judged at once.
  Open(stage, 40, "/etc/third");
  ASSERT_EQ(outputs_.size(), 4u);
  EXPECT_EQ(outputs_[3], "web nc /etc/third");
  const ContainerHoldCounts c = stage.hold_counts();
  EXPECT_EQ(c.containers, 1u);
  EXPECT_EQ(c.events, 2u);
  EXPECT_EQ(c.described, 2u);
  EXPECT_EQ(c.undescribed, 0u);
}

TEST_F(ContainerEventHoldTest, TheContainersNextEventJudgesWhatItHeldFirst) {
  auto web = std::make_shared<ContainerEntry>("c0ffee");
  Seed(40, "sh", web);
  DetectionStage stage = Stage();
  Open(stage, 40, "/etc/first");
  web->Publish(Described("c0ffee", "web"));
  Open(stage, 40, "/etc/second");  // no tick in between: order is kept all the same
  ASSERT_EQ(outputs_.size(), 2u);
  EXPECT_EQ(outputs_[0], "web sh /etc/first");
  EXPECT_EQ(outputs_[1], "web sh /etc/second");
}

TEST_F(ContainerEventHoldTest, ABoundThatRunsOutJudgesWithoutTheDescriptionOnceAndIsNotBegunAgain) {
  auto silent = std::make_shared<ContainerEntry>("dead");
  Seed(50, "sh", silent);
  DetectionStage stage = Stage({.bound = std::chrono::milliseconds(20)});
  Open(stage, 50, "/etc/a");
  EXPECT_TRUE(outputs_.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  stage.Tick();
  ASSERT_EQ(outputs_.size(), 1u);
  EXPECT_EQ(outputs_[0], "<NA> sh /etc/a");
  Open(stage, 50, "/etc/b");  // the hold is spent: at once
  ASSERT_EQ(outputs_.size(), 2u);
  EXPECT_EQ(stage.hold_counts().undescribed, 1u);
  EXPECT_EQ(stage.hold_counts().events, 1u);
}

TEST_F(ContainerEventHoldTest, ALookupThatGivesUpReleasesAtOnce) {
  auto unknown = std::make_shared<ContainerEntry>("beef");
  Seed(50, "sh", unknown);
  DetectionStage stage = Stage({.bound = std::chrono::hours(1)});
  Open(stage, 50, "/etc/a");
  EXPECT_TRUE(outputs_.empty());
  unknown->GiveUp();
  stage.Tick();
  EXPECT_EQ(outputs_.size(), 1u);
  Open(stage, 50, "/etc/b");
  EXPECT_EQ(outputs_.size(), 2u);
}

TEST_F(ContainerEventHoldTest, LimitsBoundWhatIsHeldAndStopDrainsTheRest) {
  auto a = std::make_shared<ContainerEntry>("aaaa");
  auto b = std::make_shared<ContainerEntry>("bbbb");
  Seed(60, "sh", a);
  Seed(61, "sh", b);
  DetectionStage stage = Stage({.bound = std::chrono::hours(1), .max_per_container = 3, .max_total = 4});
  for (int i = 0; i < 3; ++i) Open(stage, 60, "/a" + std::to_string(i));
  EXPECT_TRUE(outputs_.empty());
  // The fourth goes past the container's limit: the three held and it are judged now.
  Open(stage, 60, "/a3");
  ASSERT_EQ(outputs_.size(), 4u);
  EXPECT_EQ(outputs_[3], "<NA> sh /a3");
  Open(stage, 60, "/a4");  // spent: at once
  EXPECT_EQ(outputs_.size(), 5u);
  Open(stage, 61, "/b0");
  Open(stage, 61, "/b1");
  EXPECT_EQ(outputs_.size(), 5u);
  stage.Drain();
  ASSERT_EQ(outputs_.size(), 7u);
  EXPECT_EQ(outputs_[5], "<NA> sh /b0");
  EXPECT_EQ(outputs_[6], "<NA> sh /b1");
  EXPECT_EQ(stage.hold_counts().undescribed, 5u);
}

TEST_F(ContainerEventHoldTest, NoHoldWithoutAContainerDirectory) {
  auto web = std::make_shared<ContainerEntry>("c0ffee");
  Seed(40, "sh", web);
  DetectionStage stage(*engine_, [this](const Alert& a) { outputs_.push_back(a.output); }, nullptr, {});
  Open(stage, 40, "/etc/first");
  EXPECT_EQ(outputs_.size(), 1u);
}

}  // namespace
}  // namespace riposte::testing
