// What the container and quarantine integration tests share: the test containerd (with
// CRI), a scratch directory bind-mounted into test containers at /data, a rule that fires
// when a container reads /data/trigger-*, an agent run with a policy, and readers for its
// alerts and audit trail.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "containers/containerd_client.h"
#include "integration/agent_process.h"
#include "integration/capture_harness.h"
#include "integration/test_pod.h"

namespace riposte::testing {

using nlohmann::json;
using std::chrono::milliseconds;

// The workload every test container runs: counts in /data/counter (the test reads it
// from the host to see whether the container's processes run), reads any
// /data/trigger-* file once (what the rule fires on), and exits cleanly on SIGTERM.
inline const std::vector<std::string> kCounterLoop = {
    "/bin/sh", "-c",
    "trap 'exit 0' TERM; i=0; while true; do i=$((i+1)); echo $i > /data/counter; "
    "for f in /data/trigger-*; do [ -e \"$f\" ] && cat \"$f\" > /dev/null && rm -f \"$f\"; done; "
    "sleep 0.05; done"};

// The number the counter loop last wrote to `path` (0 before it ran).
inline long ReadCounter(const std::string& path) {
  std::ifstream in(path);
  long v = 0;
  in >> v;
  return v;
}
// Whether the counter in `path` moves over `ms`: the container's processes run.
inline bool CounterMoves(const std::string& path, int ms) {
  long before = ReadCounter(path);
  std::this_thread::sleep_for(milliseconds(ms));
  return ReadCounter(path) != before;
}
// The JSON lines of an alerts file or audit trail (a torn last line left out).
inline std::vector<json> JsonLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<json> out;
  for (std::string l; std::getline(in, l);) {
    auto j = json::parse(l, nullptr, false);
    if (!j.is_discarded()) out.push_back(j);
  }
  return out;
}

class ContainerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    socket_ = TestContainerdSocket();
    ASSERT_FALSE(socket_.empty());
    dir_ = "/tmp/riposte-ctr-" + std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ + "/data");
    rules_ = dir_ + "/rules.yaml";
    std::ofstream(rules_) << R"(
- rule: Trigger read in a container
  desc: the container tests' trigger
  condition: evt.type in (open, openat) and fd.name startswith /data/trigger- and container.id != host
  output: >-
    trigger read (file=%fd.name id=%container.id name=%container.name image=%container.image
    repo=%container.image.repository tag=%container.image.tag privileged=%container.privileged
    mounts=%container.mounts ns=%k8s.ns.name pod=%k8s.pod.name uid=%k8s.pod.uid labels=%k8s.pod.labels
    app=%k8s.pod.label[app] sandbox=%k8s.pod.sandbox_id)
  priority: CRITICAL
  tags: [test]
)";
    config_ = dir_ + "/riposte.yaml";
    std::ofstream(config_) << "containers:\n  containerd_socket: " << socket_ << "\nquarantine:\n  state_file: " << dir_
                           << "/quarantine.json\n";
    policies_ = dir_ + "/policies.yaml";
    audit_ = dir_ + "/audit.log";
    alerts_ = dir_ + "/alerts.json";
  }
  void TearDown() override {
    agent_.reset();
    pod_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<AgentProcess> StartAgent(const std::string& policy = "") {
    std::vector<std::string> args{"--config", config_, "run", "--rules", rules_, "--alerts-file", alerts_,
                                  "--audit-log", audit_, "--duration", "120"};
    if (!policy.empty()) {
      std::ofstream(policies_) << policy;
      args.insert(args.end(), {"--policies", policies_});
    }
    auto agent = std::make_unique<AgentProcess>(args, dir_ + "/agent.log");
    EXPECT_TRUE(agent->ready()) << agent->Log();
    return agent;
  }

  std::unique_ptr<TestPod> StartPod(const std::string& name, std::string* container_id,
                                    const std::string& container_name = "web") {
    auto pod = std::make_unique<TestPod>(socket_, name, "shop-prod", std::map<std::string, std::string>{
                                                                         {"app", "shop"}, {"tier", "web"}});
    EXPECT_TRUE(pod->ok()) << pod->error();
    if (!pod->ok()) return pod;
    *container_id = pod->AddContainer(container_name, kCounterLoop, dir_ + "/data");
    EXPECT_FALSE(container_id->empty()) << pod->error();
    EXPECT_TRUE(WaitFor([&] { return Counter() > 0; }, 10000)) << "the container's loop never ran";
    return pod;
  }

  // Files a trigger the container reads within ~50 ms.
  void Trigger(const std::string& name) { std::ofstream(dir_ + "/data/trigger-" + name) << "x"; }

  long Counter() { return ReadCounter(dir_ + "/data/counter"); }
  // Whether the counter moves over `ms`.
  bool CounterMoves(int ms) { return riposte::testing::CounterMoves(dir_ + "/data/counter", ms); }
  std::vector<json> Lines(const std::string& path) { return JsonLines(path); }
  std::vector<json> Alerts() { return Lines(alerts_); }
  // Result records of `action`, in order.
  std::vector<json> ActionResults(const std::string& action) {
    std::vector<json> out;
    for (auto& r : Lines(audit_))
      if (r.value("kind", "") == "action" && r.value("phase", "") == "result" && r.value("action", "") == action)
        out.push_back(r);
    return out;
  }
  json WaitForAction(const std::string& action, int timeout_ms = 15000) {
    json got;
    WaitFor([&] {
      auto all = ActionResults(action);
      if (all.empty()) return false;
      got = all.back();
      return true;
    }, timeout_ms);
    return got;
  }

  // A pod running the counter loop, an agent whose one policy answers the trigger with
  // `step` (a YAML flow map naming `action`), and the trigger fired; the action's audit
  // result record, or null if none came.
  json Answer(const std::string& action, const std::string& step, const std::string& extra_pod_container = "",
              const std::string& mode = "enforce") {
    pod_ = StartPod("checkout", &id_);
    if (id_.empty()) return nullptr;
    if (!extra_pod_container.empty() &&
        pod_->AddContainer(extra_pod_container, {"/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.05; done"})
            .empty())
      ADD_FAILURE() << pod_->error();
    agent_ = StartAgent("- policy: answer\n  mode: " + mode + "\n  match: {rules: [Trigger read in a container]}\n" +
                        "  dedup_window: 0s\n  actions: [" + step + "]\n");
    Trigger(action);
    json rec = WaitForAction(action);
    EXPECT_FALSE(rec.is_null()) << agent_->Log();
    return rec;
  }

  TaskState Task(const std::string& id) {
    ContainerdClient client(socket_);
    auto t = client.GetTask("k8s.io", id);
    return t ? *t : TaskState{};
  }

  // The container `id_` ended: its task stopped (returned, for its exit status) or already
  // deleted — containerd's CRI plugin deletes an exited task of its containers, sometimes
  // before a test can look — and then CRI saying it exited.
  std::optional<TaskState> StoppedOrGone() {
    std::optional<TaskState> t;
    bool gone = false;
    EXPECT_TRUE(WaitFor([&] {
      ContainerdClient client(socket_);
      auto task = client.GetTask("k8s.io", id_);
      if (!task) return gone = true;
      t = *task;
      return t->status == TaskStatus::kStopped;
    }, 10000)) << "status " << (t ? static_cast<int>(t->status) : -1);
    if (!gone) return t;
    // CRI learns of the exit from containerd's events, a moment after the task is gone.
    std::string state;
    EXPECT_TRUE(WaitFor([&] {
      auto containers = pod_->cri().ListContainers(pod_->sandbox_id());
      if (containers.ok())
        for (const auto& c : *containers)
          if (c.id == id_) state = c.state;
      return state == "CONTAINER_EXITED";
    }, 10000)) << "CRI says " << state;
    return std::nullopt;
  }

  std::string socket_, dir_, rules_, config_, policies_, audit_, alerts_;
  std::unique_ptr<TestPod> pod_;
  std::string id_;
  std::unique_ptr<AgentProcess> agent_;
};


}  // namespace riposte::testing
