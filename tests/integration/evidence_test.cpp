// Evidence before answer, end to end on real pods (the test containerd through CRI) and
// the real kernel: a workload does A (opens a marker file, connects to a port), then B
// (a binary it dropped opens the trigger and keeps it open); the policy captures the
// seconds before and after, collects the process tree, copies the dropped binary, lists
// the container's writable layer, and then pauses the container. The checks: the capture
// holds A, B and what came after, only from that container; `replay --rules` on it raises
// the same alert; every hash in the trail matches its file; `riposte evidence` lists,
// shows and exports it. Two containers triggering at once get two captures of their own.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/audit_verifier.h"
#include "audit/sha256.h"
#include "integration/capture_harness.h"
#include "integration/container_fixture.h"

namespace riposte::testing {
namespace {

// The counter loop, plus A on /data/go-a and B on /data/go-b. B runs a copy of busybox
// dropped in the container's writable layer (named busybox-* so it still multiplexes)
// that opens the trigger on fd 7 and the marker on fd 8 and stays alive.
const std::vector<std::string> kAThenB = {
    "/bin/sh", "-c",
    "trap 'exit 0' TERM; i=0; while true; do i=$((i+1)); echo $i > /data/counter; "
    "if [ -e /data/go-a ]; then rm -f /data/go-a; cat /data/marker-a > /dev/null; nc -w 1 127.0.0.1 9 < /dev/null; fi; "
    "if [ -e /data/go-b ]; then rm -f /data/go-b; cp /bin/busybox /tmp/busybox-dropped; "
    "/tmp/busybox-dropped sh -c 'exec 7</data/trigger-b 8</data/marker-a; exec /tmp/busybox-dropped sleep 60' & fi; "
    "sleep 0.05; done"};

constexpr const char* kPolicy = R"(- policy: evidence-first
  match: {rules: [Trigger read in a container]}
  dedup_window: 0s
  actions:
    - id: capture
      action: capture
      params: {before: 5s, after: 2s, scope: container}
    - id: process
      action: evidence.process
    - id: binary
      action: evidence.file
    - id: container
      action: evidence.container
    - id: pause
      action: container.pause
)";

class EvidenceTest : public ContainerFixture {
 protected:
  void SetUp() override {
    ContainerFixture::SetUp();
    evidence_dir_ = dir_ + "/evidence";
    std::ofstream(config_, std::ios::app) << "evidence:\n  dir: " << evidence_dir_ << "\n";
    std::ofstream(dir_ + "/data/marker-a") << "marker";
  }
  void TearDown() override {
    // A paused container is thawed so that its pod can be removed.
    int rc = 0;
    for (const auto& id : paused_) ShellStatus("ctr --address " + socket_ + " -n k8s.io task resume " + id + " 2>&1", &rc);
    ContainerFixture::TearDown();
  }

  std::string Sha256Of(const std::string& path) {
    auto d = DigestPath(path);
    return d ? d->sha256 : "";
  }
  std::vector<json> OfKind(const std::string& kind) {
    std::vector<json> out;
    for (auto& r : Lines(audit_))
      if (r.value("kind", "") == kind) out.push_back(r);
    return out;
  }
  // The events of a capture file, replayed as JSON lines.
  std::vector<json> Replay(const std::string& file) {
    std::vector<json> out;
    std::istringstream in(Shell(RiposteBinary() + " replay " + file + " 2>/dev/null"));
    for (std::string l; std::getline(in, l);) {
      auto j = json::parse(l, nullptr, false);
      if (!j.is_discarded() && j.contains("type")) out.push_back(j);
    }
    return out;
  }

  std::string evidence_dir_;
  std::vector<std::string> paused_;
};

TEST_F(EvidenceTest, CaptureHoldsTheSecondsBeforeAndAfterOfItsContainerAndTheEvidenceMatchesTheTrail) {
  // A second pod, busy at the same time: none of its events may reach the capture.
  std::string other_id;
  TestPod other(socket_, "other", "shop-prod", {{"app", "other"}});
  ASSERT_TRUE(other.ok()) << other.error();
  other_id = other.AddContainer("noise", {"/bin/sh", "-c", "trap 'exit 0' TERM; while true; do cat /etc/hostname > "
                                                           "/dev/null; sleep 0.02; done"});
  ASSERT_FALSE(other_id.empty()) << other.error();
  pod_ = std::make_unique<TestPod>(socket_, "checkout", "shop-prod", std::map<std::string, std::string>{{"app", "shop"}});
  ASSERT_TRUE(pod_->ok()) << pod_->error();
  id_ = pod_->AddContainer("web", kAThenB, dir_ + "/data");
  ASSERT_FALSE(id_.empty()) << pod_->error();
  ASSERT_TRUE(WaitFor([&] { return Counter() > 0; }, 10000));
  agent_ = StartAgent(kPolicy);

  std::ofstream(dir_ + "/data/go-a") << "";
  ASSERT_TRUE(WaitFor([&] { return !std::filesystem::exists(dir_ + "/data/go-a"); }, 5000));
  std::this_thread::sleep_for(milliseconds(1500));  // A is well inside the 5 s before B
  std::ofstream(dir_ + "/data/trigger-b") << "x";
  std::ofstream(dir_ + "/data/go-b") << "";

  json pause = WaitForAction("container.pause", 20000);
  ASSERT_FALSE(pause.is_null()) << agent_->Log();
  paused_.push_back(id_);
  EXPECT_EQ(pause["outcome"], "done") << pause.dump();
  // The capture closes `after` (2 s) later, with its own record.
  ASSERT_TRUE(WaitFor([&] { return !OfKind("evidence").empty(); }, 10000)) << agent_->Log();

  // The steps, in order, each done, before the pause.
  json capture = ActionResults("capture").at(0);
  EXPECT_EQ(capture["outcome"], "done") << capture.dump();
  EXPECT_EQ(capture["details"]["scope"], "container");
  EXPECT_EQ(capture["details"]["container_id"], id_);
  EXPECT_GT(capture["details"]["events_before"].get<int>(), 0);
  EXPECT_LT(capture["seq"].get<uint64_t>(), pause["seq"].get<uint64_t>());

  const json closed = OfKind("evidence").at(0);
  const std::string file = closed["path"];
  EXPECT_EQ(file, capture["details"]["path"]);
  EXPECT_EQ(closed["alert_id"], capture["alert_id"]);
  EXPECT_EQ(closed["sha256"], Sha256Of(file)) << "the trail's hash is the file's";
  EXPECT_EQ(closed["size"].get<uint64_t>(), std::filesystem::file_size(file));
  EXPECT_EQ(closed["truncated"], false);
  struct stat st {};
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // What the capture holds: A, B, and events after B; none of the other pod's.
  const auto events = Replay(file);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(closed["events"].get<size_t>(), events.size());
  bool marker = false, connect = false, trigger = false;
  int64_t trigger_ns = 0, last_ns = 0;
  for (const auto& e : events) {
    const std::string container = e.contains("proc") ? e["proc"].value("container_id", "") : "";
    EXPECT_TRUE(container.empty() || container == id_) << "an event of another container: " << e.dump();
    const std::string name = e.contains("fd") ? e["fd"].value("name", "") : "";
    if (name == "/data/marker-a") marker = true;
    if (e["type"] == "connect") connect = true;
    if (name == "/data/trigger-b" && (e["type"] == "openat" || e["type"] == "open")) {
      trigger = true;
      trigger_ns = e["ts_boot_ns"];
    }
    last_ns = std::max<int64_t>(last_ns, e["ts_boot_ns"].get<int64_t>());
  }
  EXPECT_TRUE(marker) << "A's open of the marker";
  EXPECT_TRUE(connect) << "A's connect";
  EXPECT_TRUE(trigger) << "B's triggering open";
  EXPECT_GT(last_ns, trigger_ns) << "events after the trigger";

  // The alert again, from the capture alone, with the container as the live agent knew it.
  std::string replayed = Shell(RiposteBinary() + " replay " + file + " --rules " + rules_ + " --json 2>/dev/null");
  json again;
  std::istringstream alerts(replayed);
  for (std::string l; std::getline(alerts, l);) {
    auto j = json::parse(l, nullptr, false);
    if (!j.is_discarded() && j.value("rule", "") == "Trigger read in a container") again = j;
  }
  ASSERT_FALSE(again.is_null()) << replayed;
  EXPECT_EQ(again["output_fields"]["fd.name"], "/data/trigger-b");
  EXPECT_EQ(again["output_fields"]["container.name"], "web");
  EXPECT_EQ(again["output_fields"]["container.image"], "riposte.local/busybox:1");
  EXPECT_EQ(again["output_fields"]["k8s.pod.name"], "checkout");

  // evidence.process, taken before the pause: the dropped process with its fds and maps.
  json process = ActionResults("evidence.process").at(0);
  ASSERT_EQ(process["outcome"], "done") << process.dump();
  const std::string process_file = process["details"]["path"];
  EXPECT_EQ(process["details"]["sha256"], Sha256Of(process_file));
  std::ifstream process_in(process_file);
  const json tree = json::parse(process_in);
  json target;
  for (const auto& p : tree["tree"]["processes"])
    if (p["role"] == "target") target = p;
  ASSERT_FALSE(target.is_null()) << tree.dump();
  EXPECT_EQ(target["exe"], "/tmp/busybox-dropped");
  bool fd7 = false;
  for (const auto& f : target["fds"])
    if (f["fd"] == 7) fd7 = f["target"] == "/data/trigger-b";
  EXPECT_TRUE(fd7) << target["fds"].dump();
  EXPECT_FALSE(target["maps"].empty());
  EXPECT_FALSE(target["namespaces"]["net"].get<std::string>().empty());

  // evidence.file: the dropped binary, copied byte for byte.
  json binary = ActionResults("evidence.file").at(0);
  ASSERT_EQ(binary["outcome"], "done") << binary.dump();
  const std::string copy = binary["details"]["path"];
  const std::string dropped = Sha256Of("/proc/" + std::to_string(Task(id_).pid) + "/root/tmp/busybox-dropped");
  ASSERT_FALSE(dropped.empty());
  EXPECT_EQ(binary["details"]["sha256"], dropped);
  EXPECT_EQ(Sha256Of(copy), dropped);

  // evidence.container: the writable layer lists the dropped file with the same hash.
  json container = ActionResults("evidence.container").at(0);
  ASSERT_EQ(container["outcome"], "done") << container.dump();
  std::ifstream container_in(container["details"]["path"].get<std::string>());
  const json described = json::parse(container_in);
  EXPECT_EQ(described["container"]["id"], id_);
  EXPECT_EQ(described["container"]["pod"]["name"], "checkout");
  bool listed = false;
  for (const auto& e : described["rootfs_diff"]["entries"])
    if (e["path"] == "/tmp/busybox-dropped") listed = e.value("sha256", "") == dropped;
  EXPECT_TRUE(listed) << described["rootfs_diff"].dump();

  // The trail is intact, and `riposte evidence` reads the same story from it.
  EXPECT_EQ(agent_->Stop(), 0);
  EXPECT_TRUE(VerifyAuditChain({audit_}).ok);
  const std::string alert_id = capture["alert_id"];
  int rc = -1;
  std::string shown = ShellStatus(RiposteBinary() + " evidence show " + alert_id + " " + audit_, &rc);
  EXPECT_EQ(rc, 0) << shown;
  const json show = json::parse(shown, nullptr, false);
  ASSERT_FALSE(show.is_discarded()) << shown;
  std::set<std::string> actions;
  for (const auto& item : show["items"]) {
    actions.insert(item["action"]);
    EXPECT_EQ(item["check"], "intact") << item.dump();
  }
  EXPECT_EQ(actions, (std::set<std::string>{"capture", "evidence.process", "evidence.file", "evidence.container"}));
  const std::string tarball = dir_ + "/evidence.tar";
  std::string exported = ShellStatus(RiposteBinary() + " evidence export " + alert_id + " --out " + tarball + " " + audit_, &rc);
  EXPECT_EQ(rc, 0) << exported;
  const std::string listing = Shell("tar -tf " + tarball);
  EXPECT_NE(listing.find("manifest.json"), std::string::npos) << listing;
  EXPECT_NE(listing.find("records.jsonl"), std::string::npos);
  EXPECT_NE(listing.find(".rcap"), std::string::npos);
  const json manifest = json::parse(Shell("tar -xOf " + tarball + " manifest.json"), nullptr, false);
  ASSERT_FALSE(manifest.is_discarded());
  EXPECT_EQ(manifest["trail"]["chain"], "intact");
  EXPECT_EQ(manifest["items"].size(), 4u);

  // An altered file is reported, and fails the listing.
  std::ofstream(copy, std::ios::app) << "tampered";
  std::string listed_after = ShellStatus(RiposteBinary() + " evidence list " + audit_, &rc);
  EXPECT_EQ(rc, 1) << listed_after;
  EXPECT_NE(listed_after.find("altered"), std::string::npos) << listed_after;
}

TEST_F(EvidenceTest, TwoContainersTriggeringAtOnceGetTwoCapturesOfTheirOwn) {
  std::string a_id, b_id;
  auto a = StartPod("alpha", &a_id);
  ASSERT_FALSE(a_id.empty());
  // The second pod's own data directory, so each reads only its own trigger.
  std::filesystem::create_directories(dir_ + "/data-b");
  TestPod b(socket_, "beta", "shop-prod", {{"app", "beta"}});
  ASSERT_TRUE(b.ok()) << b.error();
  b_id = b.AddContainer("web", kCounterLoop, dir_ + "/data-b");
  ASSERT_FALSE(b_id.empty()) << b.error();
  agent_ = StartAgent(R"(- policy: capture-both
  match: {rules: [Trigger read in a container]}
  dedup_window: 0s
  actions:
    - {id: capture, action: capture, params: {before: 3s, after: 1s}}
)");
  Trigger("a");
  std::ofstream(dir_ + "/data-b/trigger-b") << "x";
  ASSERT_TRUE(WaitFor([&] { return OfKind("evidence").size() >= 2; }, 15000)) << agent_->Log();
  std::map<std::string, std::string> file_of;  // container id -> capture file
  for (const auto& r : ActionResults("capture")) file_of[r["details"]["container_id"]] = r["details"]["path"];
  ASSERT_EQ(file_of.size(), 2u);
  ASSERT_TRUE(file_of.count(a_id) && file_of.count(b_id));
  EXPECT_NE(file_of[a_id], file_of[b_id]);
  for (const auto& [id, file] : file_of) {
    auto events = Replay(file);
    EXPECT_FALSE(events.empty()) << file;
    for (const auto& e : events) {
      const std::string container = e.contains("proc") ? e["proc"].value("container_id", "") : "";
      EXPECT_TRUE(container.empty() || container == id) << "capture of " << id << " holds " << e.dump();
    }
  }
  for (const auto& r : OfKind("evidence")) EXPECT_EQ(r["sha256"], Sha256Of(r["path"])) << r.dump();
  EXPECT_EQ(agent_->Stop(), 0);
}

TEST_F(EvidenceTest, DryRunSaysWhatItWouldKeepAndWritesNothing) {
  std::string id;
  pod_ = StartPod("checkout", &id);
  ASSERT_FALSE(id.empty());
  agent_ = StartAgent(R"(- policy: capture-dry
  mode: dry-run
  match: {rules: [Trigger read in a container]}
  actions:
    - {id: capture, action: capture, params: {before: 3s, after: 1s}}
    - {id: process, action: evidence.process}
)");
  Trigger("dry");
  json rec = WaitForAction("evidence.process");
  ASSERT_FALSE(rec.is_null()) << agent_->Log();
  json capture = ActionResults("capture").at(0);
  EXPECT_EQ(capture["outcome"], "would_have") << capture.dump();
  EXPECT_GT(capture["details"]["events_before"].get<int>(), 0);
  EXPECT_EQ(capture["details"]["container_id"], id);
  std::this_thread::sleep_for(milliseconds(1500));
  EXPECT_TRUE(OfKind("evidence").empty());
  EXPECT_FALSE(std::filesystem::exists(evidence_dir_)) << "a dry run writes no evidence";
  EXPECT_EQ(agent_->Stop(), 0);
}

}  // namespace
}  // namespace riposte::testing
