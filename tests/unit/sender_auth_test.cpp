// Who may make `respond` act: unix peers by uid, TCP peers by bearer token (file mode
// checked, constant-time compare), TLS peers by a verified certificate; forged or
// unauthenticated input never reaches the policies.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "intake/alert_intake.h"
#include "intake/sender_auth.h"

namespace riposte {
namespace {

HttpRequest Post(HttpPeer::Transport t, std::string body = "{}") {
  HttpRequest r;
  r.method = "POST";
  r.path = r.target = "/";
  r.body = std::move(body);
  r.peer.transport = t;
  r.peer.address = t == HttpPeer::Transport::kUnix ? "/run/x.sock" : "127.0.0.1:4000";
  return r;
}

TEST(SenderAuth, TokenFileIsCheckedAndTokensMatchInConstantTime) {
  const std::string path = "/tmp/rp-tokens-" + std::to_string(getpid());
  std::ofstream(path) << "# comment\nfalco 0123456789abcdef0123\n" << "fedcba9876543210fedc\n";
  chmod(path.c_str(), 0644);
  auto open = LoadTokenFile(path);
  ASSERT_FALSE(open);
  EXPECT_NE(open.error().message.find("chmod 600"), std::string::npos);
  chmod(path.c_str(), 0600);
  auto tokens = LoadTokenFile(path);
  ASSERT_TRUE(tokens) << tokens.error().message;
  ASSERT_EQ(tokens->size(), 2u);
  SenderPolicy policy;
  policy.tokens = *tokens;
  AuthFailure failure{};
  auto req = Post(HttpPeer::Transport::kTcp);
  EXPECT_FALSE(Authenticate(req, policy, &failure));
  EXPECT_EQ(failure.status, 401);
  req.headers.emplace_back("authorization", "Bearer 0123456789abcdef0124");
  EXPECT_FALSE(Authenticate(req, policy, &failure));
  req.headers.back().second = "Bearer 0123456789abcdef0123";
  auto ok = Authenticate(req, policy, &failure);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->identity["token"], "falco");
  EXPECT_EQ(ok->identity["transport"], "tcp");
  req.headers.back().second = "bearer fedcba9876543210fedc";
  ok = Authenticate(req, policy, &failure);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->identity["token"], "line-3");
  std::ofstream(path) << "short\n";
  EXPECT_FALSE(LoadTokenFile(path));
  std::filesystem::remove(path);
}

TEST(SenderAuth, UnixPeersByUidAndTlsPeersByCertificate) {
  SenderPolicy policy;  // root only
  AuthFailure failure{};
  auto req = Post(HttpPeer::Transport::kUnix);
  req.peer.uid = 1000;
  req.peer.pid = 77;
  EXPECT_FALSE(Authenticate(req, policy, &failure));
  EXPECT_EQ(failure.status, 403);
  req.peer.uid = 0;
  auto ok = Authenticate(req, policy, &failure);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->identity["uid"], 0);
  EXPECT_EQ(ok->identity["pid"], 77);
  auto tls = Post(HttpPeer::Transport::kTls);
  EXPECT_FALSE(Authenticate(tls, policy, &failure));
  tls.peer.tls_subject = "/CN=falco";
  ok = Authenticate(tls, policy, &failure);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->identity["subject"], "/CN=falco");
}

TEST(AlertIntake, RefusedInputNeverReachesThePoliciesAndSendersAreRateLimited) {
  int answered = 0;
  IntakeOptions o;
  o.alerts_per_second = 0.01;
  o.burst = 3;
  AlertIntake intake(o, [&](const AlertFacts& a) {
    ++answered;
    EXPECT_EQ(a.sender["uid"], 0);
    return std::vector<StepReport>{};
  });
  const std::string alert = R"({"rule":"r","priority":"Notice","time":"2026-01-01T00:00:00Z","output_fields":{"proc.pid":5}})";
  auto stranger = Post(HttpPeer::Transport::kUnix, alert);
  stranger.peer.uid = 1000;
  for (int i = 0; i < 100; ++i) EXPECT_EQ(intake.Handle(stranger).status, 403);
  auto tcp = Post(HttpPeer::Transport::kTcp, alert);
  EXPECT_EQ(intake.Handle(tcp).status, 401);
  EXPECT_EQ(answered, 0);
  auto root = Post(HttpPeer::Transport::kUnix, alert);
  root.peer.uid = 0;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(intake.Handle(root).status, 200);
  EXPECT_EQ(intake.Handle(root).status, 429);
  EXPECT_EQ(answered, 3);
  // A pid beyond the kernel's range is a 400, not a wrap to another process.
  IntakeOptions o2;
  AlertIntake fresh(o2, [&](const AlertFacts&) { return std::vector<StepReport>{}; });
  auto wrap = Post(HttpPeer::Transport::kUnix,
                   R"({"rule":"r","priority":"Notice","output_fields":{"proc.pid":4294967297}})");
  wrap.peer.uid = 0;
  EXPECT_EQ(fresh.Handle(wrap).status, 400);
}

}  // namespace
}  // namespace riposte
