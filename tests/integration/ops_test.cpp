// The agent as an operator runs it: configured by files laid out as a Kubernetes
// ConfigMap mount (..data symlink swapped on update), logging JSON, serving /healthz,
// /readyz and /metrics. Metrics are scraped, parsed as Prometheus text, and must move
// with real events, alerts, actions and reloads; a bad ConfigMap update is refused,
// counted, and the old rules keep alerting.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "common/prometheus_parse.h"
#include "integration/agent_process.h"
#include "integration/capture_harness.h"
#include "integration/config_map_volume.h"

namespace riposte::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string TriggerRule(const std::string& name, const std::string& dir) {
  return "- rule: " + name + "\n  desc: t\n  condition: evt.type in (open, openat) and fd.name startswith " + dir +
         "/trigger-\n  output: trigger (file=%fd.name pid=%proc.pid)\n  priority: WARNING\n";
}

class OpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = "/tmp/riposte-ops-" + std::to_string(getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_ + "/rules");
    fs::create_directories(dir_ + "/policies");
    port_ = 21000 + getpid() % 20000;
  }
  void TearDown() override { fs::remove_all(dir_); }

  PromParse Scrape() {
    httplib::Client c("127.0.0.1", port_);
    auto r = c.Get("/metrics");
    if (!r || r->status != 200) return PromParse{{}, {}, "no answer from /metrics"};
    return ParsePrometheusText(r->body);
  }
  int Status(const std::string& path) {
    httplib::Client c("127.0.0.1", port_);
    auto r = c.Get(path);
    return r ? r->status : 0;
  }
  // One open of a trigger file: one alert.
  void Trigger(const std::string& name) { std::ofstream(dir_ + "/trigger-" + name) << "x"; }
  // Waits for a scraped value to reach `at_least` (the pipeline publishes once a second).
  double WaitForValue(const std::string& name, const std::map<std::string, std::string>& labels, double at_least) {
    double last = -1;
    for (int i = 0; i < 60; ++i) {
      auto p = Scrape();
      if (p.error.empty()) {
        last = p.Value(name, labels).value_or(0);
        if (last >= at_least) return last;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return last;
  }

  std::string dir_;
  int port_ = 0;
};

TEST_F(OpsTest, MetricsHealthAndConfigMapReloadOnTheRealAgent) {
  PublishConfigMap(dir_ + "/rules", {{"rules.yaml", TriggerRule("Ops trigger", dir_)}});
  PublishConfigMap(dir_ + "/policies", {{"policies.yaml",
                                         "- policy: watch\n  mode: dry-run\n  match: {rules: [\"Ops trigger*\"]}\n"
                                         "  dedup_window: 0s\n  actions: [{action: process.kill}]\n"}});
  std::ofstream(dir_ + "/riposte.yaml") << "ops:\n  listen: 127.0.0.1:" << port_ << "\nlog_format: json\n"
                                        << "alerts:\n  json: true\n";
  AgentProcess agent({"--config", dir_ + "/riposte.yaml", "run", "--rules", dir_ + "/rules", "--policies",
                      dir_ + "/policies", "--audit-log", dir_ + "/audit.log", "--duration", "120"},
                     dir_ + "/agent.log");
  ASSERT_TRUE(agent.ready()) << agent.Log();
  EXPECT_EQ(Status("/readyz"), 200);
  EXPECT_EQ(Status("/healthz"), 200);
  auto first = Scrape();
  ASSERT_TRUE(first.error.empty()) << first.error;
  EXPECT_EQ(first.Value("riposte_ready"), 1);
  EXPECT_GT(first.Value("riposte_kernel_events_sent_total").value_or(0), 0);

  // Real events, an alert, a dry-run action: the counters move.
  const double opens_before = first.Value("riposte_events_by_type_total", {{"type", "openat"}}).value_or(0);
  Trigger("1");
  EXPECT_GE(WaitForValue("riposte_alerts_total", {{"rule", "Ops trigger"}, {"priority", "Warning"}}, 1), 1)
      << agent.Log();
  EXPECT_GE(WaitForValue("riposte_actions_total", {{"action", "process.kill"}, {"outcome", "would_have"}}, 1), 1);
  auto after = Scrape();
  EXPECT_GT(after.Value("riposte_events_by_type_total", {{"type", "openat"}}).value_or(0), opens_before);
  EXPECT_GE(after.Value("riposte_action_duration_seconds_count", {{"action", "process.kill"}}).value_or(0), 1);
  EXPECT_GT(after.Value("riposte_rule_evaluation_seconds_count").value_or(0), 0);
  EXPECT_EQ(after.Value("riposte_audit_write_errors_total"), 0);

  // A broken ConfigMap update: refused, counted, and the old rule keeps alerting.
  PublishConfigMap(dir_ + "/rules", {{"rules.yaml", "- rule: Broken\n  condition: evt.type = \n"}});
  EXPECT_EQ(WaitForValue("riposte_reloads_total", {{"result", "failure"}}, 1), 1) << agent.Log();
  Trigger("2");
  EXPECT_EQ(WaitForValue("riposte_alerts_total", {{"rule", "Ops trigger"}}, 2), 2) << agent.Log();

  // A good update replaces the rule.
  PublishConfigMap(dir_ + "/rules", {{"rules.yaml", TriggerRule("Ops trigger v2", dir_)}});
  EXPECT_GE(WaitForValue("riposte_reloads_total", {{"result", "success"}}, 1), 1) << agent.Log();
  Trigger("3");
  EXPECT_GE(WaitForValue("riposte_alerts_total", {{"rule", "Ops trigger v2"}}, 1), 1) << agent.Log();
  EXPECT_EQ(Scrape().Value("riposte_alerts_total", {{"rule", "Ops trigger"}}), 2) << "the old rule is gone";
  EXPECT_EQ(agent.Stop(), 0);

  // Every line the agent wrote — its log and its alerts — is one JSON object.
  std::istringstream log(agent.Log());
  int lines = 0;
  for (std::string line; std::getline(log, line);) {
    if (line.empty() || line.starts_with("libbpf:")) continue;
    ++lines;
    auto j = json::parse(line, nullptr, false);
    EXPECT_TRUE(!j.is_discarded() && j.is_object()) << line;
  }
  EXPECT_GT(lines, 5);
}

TEST_F(OpsTest, AnOpsPortInUseStopsTheAgentAtStart) {
  ++port_;  // not the port the other test's connections may still hold in TIME_WAIT
  httplib::Server squatter;
  ASSERT_TRUE(squatter.bind_to_port("127.0.0.1", port_));
  PublishConfigMap(dir_ + "/rules", {{"rules.yaml", TriggerRule("Ops trigger", dir_)}});
  std::ofstream(dir_ + "/riposte.yaml") << "ops:\n  listen: 127.0.0.1:" << port_ << "\n";
  int rc = 0;
  std::string out = ShellStatus(RiposteBinary() + " --config " + dir_ + "/riposte.yaml run --rules " + dir_ +
                                    "/rules --duration 5 2>&1",
                                &rc);
  EXPECT_EQ(rc, 2) << out;
  EXPECT_NE(out.find("cannot bind"), std::string::npos) << out;
}

}  // namespace
}  // namespace riposte::testing
