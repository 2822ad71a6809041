// The shipper's reader of the trail: from a cursor on, across rotation (the rotated file
// read to its end before the new one), and the syslog framing of each record.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "audit/audit_follower.h"
#include "audit/audit_log.h"
#include "audit/ship_channel.h"
#include "audit/syslog_connection.h"

namespace riposte {
namespace {

TEST(AuditFollower, ReadsFromTheCursorOnAcrossRotation) {
  const auto dir = std::filesystem::temp_directory_path() / ("rp-follow-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  const std::string path = (dir / "audit.log").string();
  // Small files: every few records rotate.
  auto log = AuditLog::Open({.path = path, .host = "h", .max_bytes = 600, .keep = 50});
  ASSERT_TRUE(log) << log.error().message;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE((*log)->Append({{"kind", "action"}, {"i", i}}));
  ASSERT_TRUE(std::filesystem::exists(path + ".2"));

  AuditFollower f(path, 50, 3);
  auto first = f.Next(1000);
  ASSERT_TRUE(first);
  ASSERT_FALSE(first->empty());
  EXPECT_EQ(first->front().seq, 4u);
  uint64_t expected = 4;
  for (const auto& l : *first) EXPECT_EQ(l.seq, expected++);
  // More records, more rotations while it follows: none lost, none twice.
  for (int i = 0; i < 10; ++i) ASSERT_TRUE((*log)->Append({{"kind", "action"}, {"i", i}}));
  auto more = f.Next(1000);
  ASSERT_TRUE(more);
  for (const auto& l : *more) EXPECT_EQ(l.seq, expected++);
  EXPECT_EQ(expected - 1, (*log)->last_seq());
  auto none = f.Next(1000);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  std::filesystem::remove_all(dir);
}

TEST(SyslogFraming, Rfc5424HeaderAndTheRecordAsItIs) {
  const std::string record = R"({"seq":7,"kind":"action"})";
  EXPECT_EQ(SyslogMessage(record, "action", "node-1", "2026-12-06T14:00:00.000000001Z", 42),
            "<133>1 2026-12-06T14:00:00.000000001Z node-1 riposte 42 action - " + record);
  // Header fields are printable ASCII without spaces: a hostile host name cannot forge one.
  EXPECT_EQ(SyslogMessage("{}", "", "evil host\n<1>", "", 1), "<133>1 - evil_host_<1> riposte 1 - - {}");
  auto a = ParseSyslogAddress("127.0.0.1:6514");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 6514);
  auto v6 = ParseSyslogAddress("[::1]:514");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  for (const char* bad : {"", "host", ":514", "host:0", "host:70000", "host:x", "[::1]514"})
    EXPECT_FALSE(ParseSyslogAddress(bad)) << bad;
}

TEST(HttpBatches, TheBodiesSiemsTake) {
  const std::vector<ShipItem> batch = {{1, R"({"seq":1})", "seal", "node-1", "2026-12-06T14:00:00.250000000Z"},
                                       {2, R"({"seq":2})", "action", "node-1", "2026-12-06T14:00:01.000000000Z"}};
  EXPECT_EQ(HttpBatchBody(batch, HttpBody::kJson), R"([{"seq":1},{"seq":2}])");
  EXPECT_EQ(HttpBatchBody(batch, HttpBody::kElasticBulk), "{\"create\":{}}\n{\"seq\":1}\n{\"create\":{}}\n{\"seq\":2}\n");
  EXPECT_EQ(HttpBatchBody({batch[0]}, HttpBody::kSplunkHec),
            R"({"time":1796565600.250,"host":"node-1","source":"riposte","sourcetype":"riposte:audit","event":{"seq":1}})"
            "\n");
  // A host name is JSON-escaped, not pasted.
  ShipItem hostile{3, "{}", "action", "a\"b", "bad time"};
  EXPECT_EQ(HttpBatchBody({hostile}, HttpBody::kSplunkHec),
            R"({"time":null,"host":"a\"b","source":"riposte","sourcetype":"riposte:audit","event":{}})" "\n");
  EXPECT_EQ(HttpBodyNamed("splunk_hec"), HttpBody::kSplunkHec);
  EXPECT_FALSE(HttpBodyNamed("kafka"));
}

}  // namespace
}  // namespace riposte
