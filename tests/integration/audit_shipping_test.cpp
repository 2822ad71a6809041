// The audit trail shipped off the node to a real rsyslog over TLS, with client
// certificates: the collector is killed (SIGKILL) mid-stream and started again, and every
// record still arrives, at least once, in seq order once duplicates are dropped; the
// collector's copy verifies with `riposte audit verify`, seals included. A collector whose
// certificate does not chain to the configured CA gets nothing.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "integration/agent_process.h"
#include "integration/capture_harness.h"

namespace riposte::testing {
namespace {

using nlohmann::json;

class AuditShippingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = "/tmp/riposte-ship-" + std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    port_ = 20000 + getpid() % 20000;
    // A CA, the collector's certificate (for 127.0.0.1) and the agent's client certificate.
    Shell("cd " + dir_ + " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 "
          "-subj '/CN=riposte test CA' 2>/dev/null && "
          "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj '/CN=collector' 2>/dev/null && "
          "printf 'subjectAltName=IP:127.0.0.1\\n' > server.ext && "
          "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 "
          "-extfile server.ext 2>/dev/null && "
          "openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj '/CN=riposte-node' 2>/dev/null && "
          "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2 2>/dev/null && "
          "openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 2 -subj '/CN=other CA' 2>/dev/null");
    ASSERT_TRUE(std::filesystem::exists(dir_ + "/client.pem"));
    std::ofstream(dir_ + "/trigger-ship") << "x";
    std::ofstream(dir_ + "/rules.yaml") << R"(
- rule: Shipping test trigger
  desc: t
  condition: evt.type in (open, openat) and fd.name endswith "/trigger-ship"
  output: trigger (pid=%proc.pid)
  priority: CRITICAL
)";
    std::ofstream(dir_ + "/policies.yaml") << R"(
- policy: ship-test
  mode: dry-run
  match: {rules: [Shipping test trigger]}
  actions:
    - action: process.kill
)";
  }
  void TearDown() override {
    StopCollector();
    if (!getenv("RIPOSTE_TEST_KEEP")) std::filesystem::remove_all(dir_);
  }

  // rsyslog, as the collector in docs/audit.md: TLS (OpenSSL driver), client certificates
  // required, each record's message (the audit line) written to received.log.
  void StartCollector() {
    if (relp_) {
      // RELP (rsyslog-relp's imrelp), plain TCP: each message acknowledged.
      std::ofstream(dir_ + "/rsyslog.conf") << "global(workDirectory=\"" << dir_ << "\" maxMessageSize=\"256k\")\n"
          << "module(load=\"imrelp\")\n"
          << "template(name=\"record\" type=\"string\" string=\"%msg%\\n\")\n"
          << "ruleset(name=\"riposte\") { action(type=\"omfile\" file=\"" << dir_ << "/received.log\" template=\"record\") }\n"
          << "input(type=\"imrelp\" port=\"" << port_ << "\" ruleset=\"riposte\" maxDataSize=\"256k\")\n";
    } else {
      // The collector configuration docs/audit.md shows, as shipped in deploy/testenv.
      std::string conf = ReadFileText(SourceDir() + "/deploy/testenv/rsyslog-collector.conf");
      for (size_t at; (at = conf.find("@DIR@")) != std::string::npos;) conf.replace(at, 5, dir_);
      for (size_t at; (at = conf.find("@PORT@")) != std::string::npos;) conf.replace(at, 6, std::to_string(port_));
      std::ofstream(dir_ + "/rsyslog.conf") << conf;
    }
    collector_ = SpawnChild({"/usr/sbin/rsyslogd", "-n", "-f", dir_ + "/rsyslog.conf", "-i", dir_ + "/rsyslogd.pid"});
    for (int i = 0; i < 100; ++i) {
      if (!Shell("ss -ltnH 'sport = :" + std::to_string(port_) + "'").empty()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "rsyslogd does not listen";
  }
  void StopCollector(int sig = SIGTERM) {
    if (collector_ <= 0) return;
    kill(collector_, sig);
    waitpid(collector_, nullptr, 0);
    collector_ = -1;
  }
  std::unique_ptr<AgentProcess> StartAgent(const std::string& server_ca = "ca.pem", const std::string& format = "riposte",
                                           const std::string& target = "") {
    std::ofstream(dir_ + "/riposte.yaml")
        << "circuit_breaker: {max_actions_per_minute: 0}\n"
        << "audit:\n  path: " << dir_ << "/audit.log\n  ship:\n    - name: central\n"
        << (target.empty() ? "      address: 127.0.0.1:" + std::to_string(port_) + "\n" : target) << "      format: " << format
        << "\n";
    if (relp_)
      std::ofstream(dir_ + "/riposte.yaml", std::ios::app) << "      protocol: relp\n";
    else
      std::ofstream(dir_ + "/riposte.yaml", std::ios::app)
          << "      tls: {ca: " << dir_ << "/" << server_ca << ", cert: " << dir_ << "/client.pem, key: " << dir_
          << "/client.key}\n";
    auto agent = std::make_unique<AgentProcess>(
        std::vector<std::string>{"--config", dir_ + "/riposte.yaml", "run", "--rules", dir_ + "/rules.yaml",
                                 "--policies", dir_ + "/policies.yaml", "--duration", "120"},
        dir_ + "/agent.log");
    EXPECT_TRUE(agent->ready()) << agent->Log();
    return agent;
  }
  uint64_t AckedSeq() {
    auto j = json::parse(ReadFileText(dir_ + "/audit.log.ship-central"), nullptr, false);
    return j.is_object() ? j.value("acked_seq", uint64_t{0}) : 0;
  }
  uint64_t LastSeq() {
    std::ifstream in(dir_ + "/audit.log");
    uint64_t last = 0;
    for (std::string l; std::getline(in, l);) last = json::parse(l).value("seq", uint64_t{0});
    return last;
  }
  std::vector<json> Received() {
    std::vector<json> out;
    std::ifstream in(dir_ + "/received.log");
    for (std::string l; std::getline(in, l);) {
      auto j = json::parse(l, nullptr, false);
      if (!j.is_discarded()) out.push_back(j);
    }
    return out;
  }

  void KilledMidStream();

  std::string dir_;
  int port_ = 0;
  pid_t collector_ = -1;
  bool relp_ = false;
};

TEST_F(AuditShippingTest, EveryRecordArrivesThroughACollectorKilledMidStream) { KilledMidStream(); }

// The same over RELP: the collector acknowledges each message, so far fewer are sent twice.
TEST_F(AuditShippingTest, OverRelpEveryRecordArrivesThroughACollectorKilledMidStream) {
  relp_ = true;
  KilledMidStream();
}

void AuditShippingTest::KilledMidStream() {
  int init = -1;
  const std::string said = ShellStatus(
      RiposteBinary() + " audit seal-init " + dir_ + "/audit.log --epoch 1s --key-file " + dir_ + "/seal.key 2>&1", &init);
  ASSERT_EQ(init, 0) << said;
  StartCollector();
  auto agent = StartAgent();
  // Alerts from 300 processes over about 3 s; the collector dies after the first second.
  pid_t load = SpawnChild({"/bin/sh", "-c",
                           "for i in $(seq 300); do cat " + dir_ + "/trigger-ship >/dev/null; sleep 0.01; done"});
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  StopCollector(SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  StartCollector();
  waitpid(load, nullptr, 0);
  // Everything written so far is delivered (the cursor catches up with it; the trail
  // itself goes on growing by a seal a second).
  const uint64_t written = LastSeq();
  for (int i = 0; i < 150 && AckedSeq() < written; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_GE(AckedSeq(), written) << agent->Log();
  agent->Stop();
  agent.reset();
  StopCollector();

  const uint64_t last = LastSeq();
  std::map<uint64_t, int> copies;
  std::vector<std::string> first_copies;
  uint64_t previous = 0;
  std::ifstream received(dir_ + "/received.log");
  for (std::string line; std::getline(received, line);) {
    const uint64_t seq = json::parse(line).value("seq", uint64_t{0});
    if (copies[seq]++ == 0) {
      EXPECT_EQ(seq, previous + 1) << "records out of order or missing before seq " << seq;
      previous = seq;
      first_copies.push_back(line);  // the exact bytes: the chain hashes them
    }
  }
  size_t duplicates = 0;
  for (const auto& [seq, n] : copies) duplicates += n - 1;
  std::printf("%lu records, %zu received twice or more (sent again after the collector died)\n",
              static_cast<unsigned long>(last), duplicates);
  EXPECT_GT(last, 400u) << "the trail is not the one expected";
  for (uint64_t s = 1; s <= last; ++s) EXPECT_EQ(copies.count(s), 1u) << "seq " << s << " never arrived";
  // The collector's copy, each record once, verifies like the node's, seals and all.
  {
    std::ofstream copy(dir_ + "/collected.log");
    for (const auto& l : first_copies) copy << l << "\n";
  }
  int code = -1;
  std::string out = ShellStatus(RiposteBinary() + " audit verify --key " + dir_ + "/seal.key " + dir_ + "/collected.log 2>&1", &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("seals verify"), std::string::npos) << out;

  // The agent restarted: it goes on from its cursor, not from the start.
  const size_t lines_before = first_copies.size() + duplicates;
  StartCollector();
  agent = StartAgent();
  agent->Stop();
  agent.reset();
  StopCollector();
  std::ifstream again(dir_ + "/received.log");
  size_t n = 0;
  for (std::string line; std::getline(again, line); ++n) {
    if (n >= lines_before) {
      EXPECT_GT(json::parse(line).value("seq", uint64_t{0}), last) << "sent again after a restart";
    }
  }
  EXPECT_GT(n, lines_before) << "the second run's records did not arrive";
  EXPECT_EQ(AckedSeq(), LastSeq());
}

TEST_F(AuditShippingTest, ACollectorCanAskForOcsf) {
  StartCollector();
  auto agent = StartAgent("ca.pem", "ocsf");
  std::ifstream(dir_ + "/trigger-ship").get();
  for (int i = 0; i < 100 && Received().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  agent->Stop();
  StopCollector();
  auto received = Received();
  ASSERT_FALSE(received.empty()) << agent->Log();
  // Only action results have an OCSF class: the dry-run kill, as a Process Remediation Activity.
  for (const auto& r : received) {
    EXPECT_EQ(r["class_uid"], 7003) << r.dump();
    EXPECT_EQ(r["status_id"], 99) << "a dry-run step was not done";
    EXPECT_EQ(r["unmapped"]["riposte.mode"], "dry-run");
  }
  EXPECT_EQ(AckedSeq(), LastSeq()) << "records without a rendering count as delivered";
}

// An HTTPS endpoint in the test: Splunk's HTTP Event Collector as the agent sees it. It
// refuses the first requests (503), as an endpoint being restarted does.
TEST_F(AuditShippingTest, SplunkHecOverHttpsGetsEveryRecordThroughRefusals) {
  std::ofstream(dir_ + "/hec.token") << "0d3f-hec-token\n";
  httplib::SSLServer server((dir_ + "/server.pem").c_str(), (dir_ + "/server.key").c_str());
  std::mutex mu;
  std::vector<json> events;
  int requests = 0;
  std::string authorization, encoding;
  server.Post("/services/collector/event", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    if (++requests <= 2) {
      res.status = 503;
      return;
    }
    authorization = req.get_header_value("Authorization");
    encoding = req.get_header_value("Content-Encoding");
    std::istringstream body(req.body);
    for (std::string line; std::getline(body, line);)
      if (!line.empty()) events.push_back(json::parse(line));
    res.set_content("{\"text\":\"Success\",\"code\":0}", "application/json");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { server.listen_after_bind(); });
  auto agent = StartAgent("ca.pem", "riposte",
                          "      url: https://127.0.0.1:" + std::to_string(port) + "/services/collector/event\n" +
                              "      body: splunk_hec\n      gzip: true\n      token_file: " + dir_ + "/hec.token\n");
  for (int i = 0; i < 5; ++i) {
    std::ifstream(dir_ + "/trigger-ship").get();  // one alert (later ones of this process are deduplicated)
    Shell("cat " + dir_ + "/trigger-ship");
  }
  for (int i = 0; i < 100 && AckedSeq() < LastSeq(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  agent->Stop();
  server.stop();
  serving.join();
  std::lock_guard lock(mu);
  EXPECT_GT(requests, 2) << agent->Log();
  EXPECT_EQ(authorization, "Splunk 0d3f-hec-token");
  EXPECT_EQ(encoding, "gzip");
  const uint64_t last = LastSeq();
  std::map<uint64_t, int> seen;
  for (const auto& e : events) {
    EXPECT_EQ(e["sourcetype"], "riposte:audit");
    EXPECT_TRUE(e["time"].is_number());
    ++seen[e["event"]["seq"].get<uint64_t>()];
  }
  for (uint64_t seq = 1; seq <= last; ++seq) EXPECT_EQ(seen.count(seq), 1u) << "seq " << seq;
  EXPECT_GT(last, 5u);
  EXPECT_EQ(AckedSeq(), last);
}

// Elasticsearch's bulk API over plain HTTP, ECS documents: the body is action/document
// pairs, and an answer that says some items failed is a failure (sent again).
TEST_F(AuditShippingTest, ElasticBulkOfEcsDocumentsAndItsErrorsAnswer) {
  httplib::Server server;
  std::mutex mu;
  std::vector<json> docs;
  int requests = 0;
  server.Post("/riposte-audit/_bulk", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    const bool fail = ++requests == 1;  // the first bulk "partly failed": all of it again
    std::istringstream body(req.body);
    std::string action, doc;
    while (std::getline(body, action) && std::getline(body, doc)) {
      EXPECT_EQ(json::parse(action), json::parse(R"({"create":{}})"));
      if (!fail) docs.push_back(json::parse(doc));
    }
    res.set_content(fail ? R"({"errors":true,"items":[]})" : R"({"errors":false,"items":[]})", "application/json");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { server.listen_after_bind(); });
  auto agent = StartAgent("ca.pem", "ecs",
                          "      url: http://127.0.0.1:" + std::to_string(port) + "/riposte-audit/_bulk\n" +
                              "      body: elastic_bulk\n");
  std::ifstream(dir_ + "/trigger-ship").get();
  for (int i = 0; i < 100 && AckedSeq() < LastSeq(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  agent->Stop();
  server.stop();
  serving.join();
  std::lock_guard lock(mu);
  EXPECT_GE(requests, 2);
  std::set<uint64_t> seqs;
  for (const auto& d : docs) {
    EXPECT_EQ(d["ecs"]["version"], "8.11.0");
    EXPECT_EQ(d["event"]["kind"], "event");
    seqs.insert(d["event"]["sequence"].get<uint64_t>());
  }
  for (uint64_t seq = 1; seq <= LastSeq(); ++seq) EXPECT_TRUE(seqs.count(seq)) << "seq " << seq;
}

TEST_F(AuditShippingTest, ACollectorThatTheCaDoesNotVouchForGetsNothing) {
  StartCollector();
  auto agent = StartAgent("other.pem");  // the agent trusts another CA
  std::ifstream(dir_ + "/trigger-ship").get();
  EXPECT_TRUE(agent->WaitForLog("certificate is refused", 5000)) << agent->Log();
  agent->Stop();
  EXPECT_TRUE(Received().empty());
  EXPECT_EQ(AckedSeq(), 0u);
}

}  // namespace
}  // namespace riposte::testing
