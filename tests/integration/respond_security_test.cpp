// `riposte respond` as an attacker on the same host sees it: an unprivileged user on the
// unix socket, TCP without a token, with a wrong token, mutual TLS with a certificate from
// another CA — none acts, none counts toward the breaker; the authenticated sender acts
// and the audit trail names it. Idle and trickling connections, and a chunked body far
// over the limit, neither starve real alerts nor grow the agent's memory.
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/audit_verifier.h"
#include "common/unique_fd.h"
#include "integration/agent_process.h"
#include "integration/capture_harness.h"

namespace riposte::testing {
namespace {

using nlohmann::json;

class RespondSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = "/tmp/riposte-respsec-" + std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    chmod(dir_.c_str(), 0755);
    std::ofstream(dir_ + "/policies.yaml") << "- policy: kill-shell\n  match: {rules: [Terminal shell in container]}\n"
                                              "  actions: [{action: process.kill}]\n";
    std::ofstream(dir_ + "/tokens") << "falco 0123456789abcdef0123456789abcdef\n";
    chmod((dir_ + "/tokens").c_str(), 0600);
    port_ = 21000 + getpid() % 20000;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<AgentProcess> Start(std::vector<std::string> extra) {
    std::vector<std::string> args{"respond", "--socket", dir_ + "/respond.sock", "--policies", dir_ + "/policies.yaml",
                                  "--audit-log", dir_ + "/audit.log"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto a = std::make_unique<AgentProcess>(args, dir_ + "/respond.log", "accepting Falco alerts");
    EXPECT_TRUE(a->ready()) << a->Log();
    return a;
  }
  std::string AlertFile(pid_t victim) {
    json alert = {{"time", "2099-01-01T00:00:00.000000000Z"},
                  {"rule", "Terminal shell in container"},
                  {"priority", "Notice"},
                  {"output", "A shell was spawned"},
                  {"output_fields", {{"proc.pid", victim}, {"proc.name", "sleep"}, {"container.id", "host"}}}};
    const std::string path = dir_ + "/alert-" + std::to_string(victim) + ".json";
    std::ofstream(path) << alert.dump();
    chmod(path.c_str(), 0644);
    return path;
  }
  // curl's HTTP status ("000": no connection), run as `user` (empty: root).
  std::string Curl(const std::string& args, const std::string& user = "") {
    const std::string as = user.empty() ? "" : "setpriv --reuid=" + user + " --regid=" + user + " --clear-groups ";
    int code = 0;
    std::string out = ShellStatus(as + "curl -s -o /dev/null -w '%{http_code}' --max-time 5 " + args, &code);
    return out.empty() ? "000" : out;
  }
  std::vector<json> Audit() {
    std::ifstream in(dir_ + "/audit.log");
    std::vector<json> out;
    for (std::string l; std::getline(in, l);) out.push_back(json::parse(l));
    return out;
  }
  bool Alive(pid_t p) { return !WaitChild(p, 0); }

  std::string dir_;
  int port_ = 0;
};

TEST_F(RespondSecurityTest, OnlyAuthenticatedSendersAct) {
  auto respond = Start({"--listen", "127.0.0.1:" + std::to_string(port_), "--token-file", dir_ + "/tokens"});
  const std::string url = " http://127.0.0.1:" + std::to_string(port_) + "/";
  pid_t victim = SpawnChild({"/bin/sleep", "60"});
  const std::string alert = AlertFile(victim);
  const std::string post = "-H 'Content-Type: application/json' --data-binary @" + alert;
  // An unprivileged user cannot even connect to the socket (0600, root's).
  EXPECT_EQ(Curl(post + " --unix-socket " + dir_ + "/respond.sock http://x/", "65534"), "000");
  // TCP: no token, a wrong token.
  EXPECT_EQ(Curl(post + url, "65534"), "401");
  EXPECT_EQ(Curl(post + " -H 'Authorization: Bearer 0123456789abcdef0123456789abcdee'" + url, "65534"), "401");
  // More forged alerts than the breaker allows in a minute: none counts.
  for (int i = 0; i < 70; ++i) ASSERT_EQ(Curl(post + url), "401");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(Alive(victim)) << respond->Log();
  for (const auto& r : Audit()) EXPECT_NE(r.value("kind", ""), "alert") << r.dump();
  // The right token acts, and the record names the sender.
  EXPECT_EQ(Curl(post + " -H 'Authorization: Bearer 0123456789abcdef0123456789abcdef'" + url), "200") << respond->Log();
  auto status = WaitChild(victim, 2000);
  ASSERT_TRUE(status) << respond->Log();
  EXPECT_TRUE(WIFSIGNALED(*status));
  // Root on the socket acts too; its uid and pid are recorded.
  pid_t second = SpawnChild({"/bin/sleep", "60"});
  EXPECT_EQ(Curl("-H 'Content-Type: application/json' --data-binary @" + AlertFile(second) + " --unix-socket " +
                 dir_ + "/respond.sock http://x/"), "200");
  ASSERT_TRUE(WaitChild(second, 2000)) << respond->Log();
  bool token_named = false, uid_named = false;
  for (const auto& r : Audit()) {
    if (r.value("kind", "") != "action") continue;
    const json& s = r["sender"];
    token_named |= s.value("transport", "") == "tcp" && s.value("token", "") == "falco";
    uid_named |= s.value("transport", "") == "unix" && s.value("uid", -1) == 0 && s.value("pid", 0) > 0;
  }
  EXPECT_TRUE(token_named);
  EXPECT_TRUE(uid_named);
  EXPECT_EQ(respond->Stop(), 0);
  EXPECT_TRUE(VerifyAuditChain({dir_ + "/audit.log"}).ok);
}

TEST_F(RespondSecurityTest, TcpWithoutAuthenticationIsRefusedAtStart) {
  AgentProcess respond({"respond", "--socket", "none", "--listen", "127.0.0.1:" + std::to_string(port_), "--policies",
                        dir_ + "/policies.yaml", "--audit-log", dir_ + "/audit.log"},
                       dir_ + "/respond.log", "accepting Falco alerts");
  EXPECT_FALSE(respond.ready());
  EXPECT_NE(respond.Log().find("--token-file"), std::string::npos) << respond.Log();
}

TEST_F(RespondSecurityTest, MutualTlsAcceptsOnlyTheConfiguredCa) {
  // Two CAs; the server and one client signed by the first, another client by the second.
  Shell("cd " + dir_ + " && for ca in ca other; do openssl req -x509 -newkey rsa:2048 -nodes -keyout $ca.key -out $ca.pem "
        "-days 1 -subj /CN=$ca 2>/dev/null; done && "
        "for n in server:ca client:ca rogue:other; do name=${n%:*}; ca=${n#*:}; "
        "openssl req -newkey rsa:2048 -nodes -keyout $name.key -out $name.csr -subj /CN=$name 2>/dev/null && "
        "printf 'subjectAltName=IP:127.0.0.1\\n' > $name.ext && "
        "openssl x509 -req -in $name.csr -CA $ca.pem -CAkey $ca.key -CAcreateserial -out $name.pem -days 1 "
        "-extfile $name.ext 2>/dev/null; done; chmod 644 *");
  auto respond = Start({"--listen", "127.0.0.1:" + std::to_string(port_), "--tls-cert", dir_ + "/server.pem",
                        "--tls-key", dir_ + "/server.key", "--tls-client-ca", dir_ + "/ca.pem"});
  pid_t victim = SpawnChild({"/bin/sleep", "60"});
  const std::string post = "-H 'Content-Type: application/json' --data-binary @" + AlertFile(victim) +
                           " --cacert " + dir_ + "/ca.pem https://127.0.0.1:" + std::to_string(port_) + "/";
  EXPECT_EQ(Curl(post), "000");  // no client certificate: the handshake fails
  EXPECT_EQ(Curl("--cert " + dir_ + "/rogue.pem --key " + dir_ + "/rogue.key " + post), "000");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(Alive(victim));
  EXPECT_EQ(Curl("--cert " + dir_ + "/client.pem --key " + dir_ + "/client.key " + post), "200") << respond->Log();
  ASSERT_TRUE(WaitChild(victim, 2000)) << respond->Log();
  bool subject_named = false;
  for (const auto& r : Audit())
    if (r.value("kind", "") == "action")
      subject_named |= r["sender"].value("subject", "").find("CN=client") != std::string::npos;
  EXPECT_TRUE(subject_named);
  EXPECT_EQ(respond->Stop(), 0);
}

// Opens `n` TCP connections to the port and keeps them (idle, or sending one byte of a
// request head now and then when `trickle`).
std::vector<UniqueFd> Connections(int port, int n) {
  std::vector<UniqueFd> out;
  for (int i = 0; i < n; ++i) {
    UniqueFd fd(socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) out.push_back(std::move(fd));
  }
  return out;
}

long RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string l; std::getline(in, l);)
    if (l.starts_with("VmRSS:")) return std::stol(l.substr(6));
  return 0;
}

TEST_F(RespondSecurityTest, IdleTricklingAndHugeChunkedClientsStarveNothing) {
  auto respond = Start({"--listen", "127.0.0.1:" + std::to_string(port_), "--token-file", dir_ + "/tokens"});
  const long rss_before = RssKb(respond->pid());
  auto idle = Connections(port_, 200);
  auto trickle = Connections(port_, 20);
  for (auto& fd : trickle) (void)!write(fd.get(), "P", 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // all accepted
  // A chunked body of 400 MB, sent as fast as the agent takes it.
  std::thread flood([&] {
    auto c = Connections(port_, 1);
    if (c.empty()) return;
    std::string head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    (void)!write(c[0].get(), head.data(), head.size());
    std::string chunk = "100000\r\n" + std::string(0x100000, 'a') + "\r\n";
    for (int i = 0; i < 400; ++i)
      if (send(c[0].get(), chunk.data(), chunk.size(), MSG_NOSIGNAL) < 0) break;
  });
  // A real alert still goes through at once, from the socket and from TCP.
  pid_t victim = SpawnChild({"/bin/sleep", "60"});
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(Curl("-H 'Content-Type: application/json' -H 'Authorization: Bearer 0123456789abcdef0123456789abcdef' "
                 "--data-binary @" + AlertFile(victim) + " http://127.0.0.1:" + std::to_string(port_) + "/"), "200")
      << respond->Log();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  EXPECT_TRUE(WaitChild(victim, 2000));
  EXPECT_EQ(Curl("--unix-socket " + dir_ + "/respond.sock http://x/healthz"), "200");
  flood.join();
  EXPECT_LT(RssKb(respond->pid()) - rss_before, 64 * 1024) << "the chunked body was buffered";
  // The trickling connections are cut at the head deadline.
  std::this_thread::sleep_for(std::chrono::milliseconds(5500));
  char b;
  for (auto& fd : trickle) {
    pollfd p{fd.get(), POLLIN, 0};
    ASSERT_EQ(poll(&p, 1, 100), 1) << "a trickling connection outlived its deadline";
    EXPECT_LE(read(fd.get(), &b, 1), 0) << "closed (EOF or reset), never answered";
  }
  EXPECT_EQ(respond->Stop(), 0);
}

}  // namespace
}  // namespace riposte::testing
