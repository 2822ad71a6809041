// Alert sinks for real: a file a reader can tail, and an HTTP endpoint on loopback that
// receives Falco's JSON exactly as Falcosidekick would.
#include "output/alert_sinks.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "rules/rule_set.h"

namespace riposte {
namespace {

class AlertSinks : public ::testing::Test {
 protected:
  void SetUp() override {
    set_ = RuleSet::LoadTexts({{"t.yaml", "- rule: R\n  desc: d\n  condition: evt.type = open\n  output: o\n"
                                          "  priority: ERROR\n  tags: [a, b]\n"}});
    ASSERT_FALSE(set_->has_errors());
    alert_.rule = set_->rules()[0].get();
    alert_.time_ns = 1'700'000'000'123'456'789;
    alert_.hostname = "node-1";
    alert_.output = "something happened";
    alert_.output_fields = {{"proc.pid", 42}, {"fd.name", "/etc/shadow"}, {"container.image", nullptr}};
  }
  std::unique_ptr<RuleSet> set_;
  Alert alert_;
};

TEST_F(AlertSinks, JsonHasEveryFalcoKey) {
  auto j = AlertToJson(alert_);
  EXPECT_EQ(j["rule"], "R");
  EXPECT_EQ(j["priority"], "Error");
  EXPECT_EQ(j["source"], "syscall");
  EXPECT_EQ(j["hostname"], "node-1");
  EXPECT_EQ(j["time"], "2023-11-14T22:13:20.123456789Z");
  EXPECT_EQ(j["tags"], nlohmann::json::array({"a", "b"}));
  EXPECT_EQ(j["output_fields"]["proc.pid"], 42);
  EXPECT_TRUE(j["output"].get<std::string>().ends_with(": Error something happened"));
}

TEST_F(AlertSinks, FileGetsOneJsonLinePerAlertWrittenPerFlushNotPerAlert) {
  const std::string path = "/tmp/riposte-alerts-" + std::to_string(getpid()) + ".json";
  auto lines = [&] {
    std::ifstream in(path);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  };
  {
    auto sink = FileAlertSink::Open(path);
    ASSERT_TRUE(sink.ok());
    (*sink)->Write(alert_);
    (*sink)->Write(alert_);
    // Buffered: a rule firing on every event must not cost a write per alert.
    EXPECT_TRUE(lines().empty());
    // The agent's flush once per pass over the ring: readable before the sink closes.
    (*sink)->Flush();
    auto got = lines();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(nlohmann::json::parse(got[0])["rule"], "R");
    (*sink)->Write(alert_);
  }
  EXPECT_EQ(lines().size(), 3u);  // closing flushes what is left
  std::filesystem::remove(path);
  EXPECT_FALSE(FileAlertSink::Open("/nonexistent-dir/alerts.json").ok());
}

TEST_F(AlertSinks, HttpPostsFalcoJsonToTheEndpoint) {
  httplib::Server server;
  std::mutex mu;
  std::vector<nlohmann::json> received;
  std::string content_type;
  server.Post("/falco", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    received.push_back(nlohmann::json::parse(req.body));
    content_type = req.get_header_value("Content-Type");
    res.status = 200;
  });
  int port = server.bind_to_any_port("127.0.0.1");
  std::thread t([&] { server.listen_after_bind(); });
  {
    auto sink = HttpAlertSink::Create("http://127.0.0.1:" + std::to_string(port) + "/falco");
    ASSERT_TRUE(sink.ok());
    (*sink)->Write(alert_);
    (*sink)->Write(alert_);
    for (int i = 0; i < 100 && (*sink)->sent() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ((*sink)->sent(), 2u);
    EXPECT_EQ((*sink)->failed(), 0u);
  }
  server.stop();
  t.join();
  std::lock_guard lock(mu);
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0]["rule"], "R");
  EXPECT_EQ(received[0]["output_fields"]["fd.name"], "/etc/shadow");
  EXPECT_EQ(content_type, "application/json");
}

TEST_F(AlertSinks, HttpFailuresAreCountedNotFatal) {
  // A loopback port with nothing listening.
  auto sink = HttpAlertSink::Create("http://127.0.0.1:1/falco");
  ASSERT_TRUE(sink.ok());
  (*sink)->Write(alert_);
  for (int i = 0; i < 150 && (*sink)->failed() < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ((*sink)->failed(), 1u);
  EXPECT_FALSE(HttpAlertSink::Create("ftp://x/y").ok());
}

}  // namespace
}  // namespace riposte

namespace riposte {
namespace {

// A process name or file name with a newline or an escape sequence cannot forge a line
// or drive the terminal of whoever reads the text alerts.
TEST_F(AlertSinks, TextAlertsEscapeControlCharacters) {
  alert_.output = "opened /tmp/x\nFAKE: Critical all clear \x1b[2J";
  char* buf = nullptr;
  size_t len = 0;
  FILE* mem = open_memstream(&buf, &len);
  StreamAlertSink sink(mem, false);
  sink.Write(alert_);
  std::fclose(mem);
  const std::string text(buf, len);
  std::free(buf);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_NE(text.find("/tmp/x\\nFAKE"), std::string::npos) << text;
  EXPECT_NE(text.find("\\x1b[2J"), std::string::npos) << text;
}

}  // namespace
}  // namespace riposte
