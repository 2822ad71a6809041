// The quarantine's pieces that need no namespace: the allow list a policy gives, the
// nftables text built from it, and the on-disk record. The rules themselves are applied
// and checked on real pods in tests/integration/quarantine_test.cpp.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "quarantine/nft_ruleset.h"
#include "quarantine/quarantine_store.h"

namespace riposte::testing {
namespace {

TEST(AllowList, CidrsPortsAndProtocols) {
  auto allow = ParseAllowList(nlohmann::json::parse(
      R"(["10.96.0.10", {"cidr": "10.0.0.0/8", "ports": [53, 853], "protocol": "udp"}, {"cidr": "fd00::/8"}])"));
  ASSERT_TRUE(allow.ok()) << allow.error().message;
  ASSERT_EQ(allow->size(), 3u);
  EXPECT_EQ((*allow)[1].ports, (std::vector<int>{53, 853}));
  EXPECT_TRUE((*allow)[2].ipv6());
  EXPECT_TRUE(ParseAllowList(nullptr).ok()) << "no allow list: nothing allowed";
}

TEST(AllowList, BadEntriesSayWhichAndWhy) {
  struct Case {
    const char* json;
    const char* says;
  } cases[] = {
      {R"("10.0.0.1")", "must be a list"},
      {R"(["10.0.0.300"])", "allow[0]: '10.0.0.300' is not an address"},
      {R"(["10.0.0.0/33"])", "is not an address or CIDR"},
      {R"([{"cidr": "10.0.0.1", "ports": [0]}])", "allow[0].ports: 0 is not a port"},
      {R"([{"cidr": "10.0.0.1", "protocol": "icmp"}])", "protocol must be tcp, udp or any"},
      {R"([{"cidr": "10.0.0.1", "port": 53}])", "unknown key 'port'"},
      {R"(["1.2.3.4", "x; flush ruleset"])", "allow[1]"},
  };
  for (const auto& c : cases) {
    auto r = ParseAllowList(nlohmann::json::parse(c.json));
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
  }
}

TEST(QuarantineScript, DropsEverythingButLoopbackAndTheAllowedPeersBothWays) {
  auto allow = ParseAllowList(nlohmann::json::parse(
      R"([{"cidr": "10.96.0.10/32", "ports": [53], "protocol": "udp"}, "192.168.7.0/24", {"cidr": "fd00::1"}])"));
  ASSERT_TRUE(allow.ok());
  std::string s = QuarantineScript(*allow);
  // Replaces any earlier table in the same transaction.
  EXPECT_EQ(s.find("add table inet riposte_quarantine\ndelete table inet riposte_quarantine\n"), 0u) << s;
  EXPECT_NE(s.find("type filter hook input priority -300; policy drop;"), std::string::npos);
  EXPECT_NE(s.find("type filter hook output priority -300; policy drop;"), std::string::npos);
  EXPECT_EQ(s.find("ct state"), std::string::npos) << "established flows must not be let through";
  EXPECT_NE(s.find("iif \"lo\" accept"), std::string::npos);
  EXPECT_NE(s.find("ip saddr 10.96.0.10/32 udp sport { 53 } accept"), std::string::npos) << s;
  EXPECT_NE(s.find("ip daddr 10.96.0.10/32 udp dport { 53 } accept"), std::string::npos) << s;
  EXPECT_EQ(s.find("tcp dport { 53 }"), std::string::npos) << "udp only, as asked";
  EXPECT_NE(s.find("ip daddr 192.168.7.0/24 accept"), std::string::npos) << s;
  EXPECT_NE(s.find("ip6 saddr fd00::1 accept"), std::string::npos) << s;
  EXPECT_EQ(ReleaseScript(), "add table inet riposte_quarantine\ndelete table inet riposte_quarantine\n");
}

TEST(QuarantineStore, RecordsSurviveReopeningAndReplaceByNamespace) {
  const std::string dir = "/tmp/riposte-qstore-" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  const std::string path = dir + "/state/quarantine.json";
  {
    QuarantineStore store(path);
    auto empty = store.Load();
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->empty());
    QuarantineRecord a;
    a.netns_inode = 4026532000;
    a.container_id = "aaa";
    a.policy = "p";
    ASSERT_TRUE(store.Put(a).ok());
    QuarantineRecord b = a;
    b.netns_inode = 4026532001;
    b.container_id = "bbb";
    ASSERT_TRUE(store.Put(b).ok());
    a.allow = nlohmann::json::array({{{"cidr", "10.0.0.1"}}});
    ASSERT_TRUE(store.Put(a).ok());  // same namespace: replaced, not added
  }
  QuarantineStore reopened(path);
  auto all = reopened.Load();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->at(1).container_id, "aaa");
  EXPECT_EQ(all->at(1).allow.size(), 1u);
  EXPECT_EQ(all->at(0).id(), "netns:4026532001");
  ASSERT_TRUE(reopened.Remove(4026532001).ok());
  EXPECT_EQ(reopened.Load()->size(), 1u);

  // A damaged record file is an error naming it, never an empty list that would orphan
  // the quarantines it held; and nothing is written over it.
  std::ofstream(path) << "{\"quarantines\": [";
  auto damaged = reopened.Load();
  ASSERT_FALSE(damaged.ok());
  EXPECT_NE(damaged.error().message.find(path), std::string::npos);
  QuarantineRecord c;
  c.netns_inode = 1;
  EXPECT_FALSE(reopened.Put(c).ok());
  // A record of the right shape with a wrong type in it: the same, not an exception.
  std::ofstream(path) << R"({"quarantines": [{"netns_inode": 7, "pid": "not a pid"}]})";
  auto wrong_type = reopened.Load();
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_NE(wrong_type.error().message.find(path), std::string::npos) << wrong_type.error().message;
  EXPECT_NE(wrong_type.error().message.find("not a pid"), std::string::npos) << wrong_type.error().message;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace riposte::testing
