#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <thread>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>
#include <nlohmann/json.hpp>

#include "common/log_setup.h"
#include "common/prometheus_parse.h"
#include "metrics/agent_metrics.h"
#include "metrics/histogram.h"
#include "metrics/ops_server.h"
#include "metrics/prometheus_text.h"

namespace riposte {
namespace {

using testing::ParsePrometheusText;

TEST(PrometheusText, LabelValuesAreEscapedAndReadBack) {
  PrometheusText t;
  t.Family("x_total", "counter", "a help with a \\ and\na newline");
  t.Sample("x_total", {{"rule", "Read \"sensitive\" \\ file\nnext"}}, 3);
  t.Sample("x_total", {{"rule", "plain"}}, 0.25);
  auto p = ParsePrometheusText(t.text());
  ASSERT_TRUE(p.error.empty()) << p.error << "\n" << t.text();
  EXPECT_EQ(p.Value("x_total", {{"rule", "Read \"sensitive\" \\ file\nnext"}}), 3);
  EXPECT_EQ(p.Value("x_total", {{"rule", "plain"}}), 0.25);
  EXPECT_EQ(p.types["x_total"], "counter");
}

TEST(PrometheusText, TheTestParserRefusesWhatAScraperWould) {
  EXPECT_FALSE(ParsePrometheusText("x 1\n").error.empty()) << "no TYPE";
  EXPECT_FALSE(ParsePrometheusText("# TYPE x counter\nx{a=\"1} 1\n").error.empty());
  EXPECT_FALSE(ParsePrometheusText("# TYPE x counter\nx one\n").error.empty());
  EXPECT_TRUE(ParsePrometheusText("# TYPE x counter\nx{a=\"1\"} 1\n").error.empty());
}

TEST(Histogram, BucketsAreCumulativeWithSumAndCount) {
  Histogram h({0.001, 0.01, 0.1});
  for (double v : {0.0005, 0.005, 0.005, 0.05, 5.0}) h.Observe(v);
  PrometheusText t;
  t.Family("lat_seconds", "histogram", "h");
  h.Write(t, "lat_seconds", {{"action", "a"}});
  auto p = ParsePrometheusText(t.text());
  ASSERT_TRUE(p.error.empty()) << p.error;
  EXPECT_EQ(p.Value("lat_seconds_bucket", {{"le", "0.001"}}), 1);
  EXPECT_EQ(p.Value("lat_seconds_bucket", {{"le", "0.01"}}), 3);
  EXPECT_EQ(p.Value("lat_seconds_bucket", {{"le", "0.1"}}), 4);
  EXPECT_EQ(p.Value("lat_seconds_bucket", {{"le", "+Inf"}}), 5);
  EXPECT_EQ(p.Value("lat_seconds_count"), 5);
  EXPECT_NEAR(*p.Value("lat_seconds_sum"), 5.0605, 1e-9);
}

TEST(AgentMetrics, EveryFamilyRendersAndCountsWhatWasReported) {
  KernelCounters k;
  k.sent_per_cpu = {10, 20};
  k.dropped_per_cpu = {0, 3};
  AgentMetrics m({[&] { return k; }, [] { return uint64_t{2}; }});
  EventTypeCounts c;
  Event open;
  open.syscall = &KnownSyscalls()[0];
  c.Count(open);
  c.Count(open);
  Event exec;
  exec.kind = EventKind::kProcessExec;
  c.Count(exec);
  m.PublishPipeline(c, {{{"Shell in container", "Warning"}, 1}},
                    ContainerHoldCounts{.containers = 2, .events = 7, .described = 5, .undescribed = 1});
  StepReport done{"p", "kill", "process.kill", false, Outcome::kDone, "", 1, std::chrono::microseconds(2500)};
  StepReport skipped{"p", "stop", "container.stop", false, Outcome::kSkippedCondition, "", 2, {}};
  m.ObserveSteps({done, skipped});
  m.CountReload(true);
  m.CountReload(false);
  m.CountReload(false);

  auto p = ParsePrometheusText(m.Render());
  ASSERT_TRUE(p.error.empty()) << p.error;
  EXPECT_EQ(p.Value("riposte_kernel_events_sent_total", {{"cpu", "1"}}), 20);
  EXPECT_EQ(p.Value("riposte_kernel_events_dropped_total", {{"cpu", "1"}}), 3);
  EXPECT_EQ(p.Value("riposte_events_total"), 3);
  EXPECT_EQ(p.Value("riposte_events_by_type_total", {{"type", std::string(KnownSyscalls()[0].name)}}), 2);
  EXPECT_EQ(p.Value("riposte_events_by_type_total", {{"type", "procexec"}}), 1);
  EXPECT_EQ(p.Value("riposte_alerts_total", {{"rule", "Shell in container"}, {"priority", "Warning"}}), 1);
  EXPECT_EQ(p.Value("riposte_container_hold_containers_total"), 2);
  EXPECT_EQ(p.Value("riposte_container_hold_events_total", {{"judged", "described"}}), 5);
  EXPECT_EQ(p.Value("riposte_container_hold_events_total", {{"judged", "undescribed"}}), 1);
  EXPECT_EQ(p.Value("riposte_actions_total", {{"action", "process.kill"}, {"outcome", "done"}}), 1);
  EXPECT_EQ(p.Value("riposte_actions_total", {{"action", "container.stop"}, {"outcome", "skipped_condition"}}), 1);
  EXPECT_EQ(p.Value("riposte_action_duration_seconds_count", {{"action", "process.kill"}}), 1);
  EXPECT_FALSE(p.Value("riposte_action_duration_seconds_count", {{"action", "container.stop"}}))
      << "a step that did not run has no duration";
  EXPECT_EQ(p.Value("riposte_audit_write_errors_total"), 2);
  EXPECT_EQ(p.Value("riposte_reloads_total", {{"result", "success"}}), 1);
  EXPECT_EQ(p.Value("riposte_reloads_total", {{"result", "failure"}}), 2);
  EXPECT_EQ(p.types["riposte_action_duration_seconds"], "histogram");
}

TEST(OpsServer, ReadinessHealthAndMetricsOverHttp) {
  AgentMetrics m;
  m.SetReady(false, "loading BPF programs");
  auto ops = OpsServer::Start("127.0.0.1:0", m, std::chrono::seconds(1));
  ASSERT_TRUE(ops.ok()) << ops.error().message;
  httplib::Client client("127.0.0.1", (*ops)->port());
  auto r = client.Get("/readyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->body.find("loading BPF programs"), std::string::npos);
  m.SetReady(true);
  r = client.Get("/readyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  m.Heartbeat();
  r = client.Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // A capture loop that stops coming round is not healthy.
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  r = client.Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  r = client.Get("/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->get_header_value("Content-Type").starts_with("text/plain; version=0.0.4"));
  EXPECT_TRUE(ParsePrometheusText(r->body).error.empty());
  // A port in use is an error at start, not a silent absence.
  auto again = OpsServer::Start("127.0.0.1:" + std::to_string((*ops)->port()), m);
  EXPECT_FALSE(again.ok());
  EXPECT_FALSE(OpsServer::Start("no-port", m).ok());
}

TEST(LogFormat, JsonEscapeMakesAnyMessageOneValidJsonString) {
  const std::string nasty = "rule \"x\" \\ path\n\tend\x01";
  auto parsed = nlohmann::json::parse("\"" + JsonEscape(nasty) + "\"", nullptr, false);
  ASSERT_FALSE(parsed.is_discarded());
  EXPECT_EQ(parsed.get<std::string>(), nasty);
  // Bytes that are not UTF-8 still make a valid string.
  EXPECT_FALSE(nlohmann::json::parse("\"" + JsonEscape("path \xff\xfe end") + "\"", nullptr, false).is_discarded());
}

}  // namespace
}  // namespace riposte

namespace riposte {
namespace {

TEST(LogFormat, TextLinesEscapeControlCharactersFromHostileText) {
  std::ostringstream out;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::ostream_sink_mt>(out)));
  SetLogFormat("text");
  spdlog::warn("process {} opened a file", "evil\n2026-01-01T00:00:00.000 info all clear\x1b[2J");
  spdlog::set_default_logger(previous);
  SetLogFormat("text");
  const std::string line = out.str();
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << line;
  EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
  EXPECT_NE(line.find("evil\\n2026"), std::string::npos) << line;
}

}  // namespace
}  // namespace riposte

namespace riposte {
namespace {

// The probes cannot be starved: with a hundred idle connections open on the ops port (a
// pod on the node could open them), /healthz still answers at once.
TEST(OpsServer, IdleConnectionsDoNotStarveTheProbes) {
  AgentMetrics m;
  m.Heartbeat();
  auto ops = OpsServer::Start("127.0.0.1:0", m, std::chrono::seconds(10));
  ASSERT_TRUE(ops) << ops.error().message;
  std::vector<int> idle;
  for (int i = 0; i < 100; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>((*ops)->port()));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) idle.push_back(fd);
    else close(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  httplib::Client client("127.0.0.1", (*ops)->port());
  client.set_read_timeout(2, 0);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = client.Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
  for (int fd : idle) close(fd);
}

}  // namespace
}  // namespace riposte
