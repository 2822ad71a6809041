// The engines' HTTP client against a real unix socket whose server answers with scripted
// bytes: the framings an engine uses (length, chunked, to the end of the connection), and
// what a broken or hostile server does (no reply, a huge body, a malformed head).
#include "containers/unix_http_client.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace riposte {
namespace {

using namespace std::chrono_literals;

// Accepts connections one at a time, reads the request's head, writes `reply` in the
// given pieces (a pause between them), then closes, unless `hold` keeps it open.
class ScriptedServer {
 public:
  ScriptedServer(std::vector<std::string> pieces, bool hold = false) : pieces_(std::move(pieces)), hold_(hold) {
    path_ = "/tmp/riposte-http-test-" + std::to_string(getpid()) + "-" + std::to_string(serial_++) + ".sock";
    std::filesystem::remove(path_);
    fd_ = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, path_.c_str());
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(listen(fd_, 4), 0);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
    std::filesystem::remove(path_);
  }
  const std::string& path() const { return path_; }
  std::string request() const { return request_; }

 private:
  void Serve() {
    while (!stop_) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char buf[4096];
      std::string got;
      while (got.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0) break;
        got.append(buf, static_cast<size_t>(n));
      }
      request_ = got;
      for (const auto& p : pieces_) {
        (void)!write(c, p.data(), p.size());
        std::this_thread::sleep_for(20ms);
      }
      if (hold_)
        while (!stop_ && read(c, buf, sizeof buf) > 0) {
        }
      close(c);
    }
  }
  static inline std::atomic<int> serial_{0};
  std::vector<std::string> pieces_;
  bool hold_;
  std::string path_;
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::string request_;
  std::thread thread_;
};

TEST(UnixHttpClient, ReadsABodyByItsLength) {
  ScriptedServer s({"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"a\": ", "true}"});
  auto r = UnixHttpClient(s.path()).Request("GET", "/v1.41/version", 2s);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"a\": true}");
  EXPECT_TRUE(s.request().starts_with("GET /v1.41/version HTTP/1.1\r\n")) << s.request();
  EXPECT_NE(s.request().find("Connection: close"), std::string::npos);
}

TEST(UnixHttpClient, DechunksAChunkedBodySplitAnywhere) {
  ScriptedServer s({"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", "lo\r\n6;ext=1\r\n wor", "ld\r\n0\r\n\r\n"});
  auto r = UnixHttpClient(s.path()).Request("POST", "/containers/x/pause", 2s);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "hello world");
  EXPECT_NE(s.request().find("Content-Length: 0"), std::string::npos) << "a POST says it has no body";
}

TEST(UnixHttpClient, ABodyWithoutLengthRunsToTheEndOfTheConnection) {
  ScriptedServer s({"HTTP/1.0 200 OK\r\n\r\nall ", "of it"});
  auto r = UnixHttpClient(s.path()).Request("GET", "/", 2s);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "all of it");
}

TEST(UnixHttpClient, NoSocketAndNoReplyInTimeAreUnavailable) {
  auto missing = UnixHttpClient("/tmp/riposte-no-such.sock").Request("GET", "/", 1s);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kUnavailable);
  ScriptedServer silent({}, /*hold=*/true);
  auto t0 = std::chrono::steady_clock::now();
  auto r = UnixHttpClient(silent.path()).Request("GET", "/", 300ms);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kUnavailable) << r.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST(UnixHttpClient, AHostileReplyIsRefusedNotFollowed) {
  ScriptedServer garbage({"SSH-2.0-OpenSSH\r\n\r\n"});
  auto g = UnixHttpClient(garbage.path()).Request("GET", "/", 1s);
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.error().message.find("malformed"), std::string::npos) << g.error().message;

  ScriptedServer huge({"HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n" + std::string(4096, 'x')});
  auto h = UnixHttpClient(huge.path()).Request("GET", "/", 1s, /*max_body=*/1024);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.error().message.find("over 1024 bytes"), std::string::npos) << h.error().message;

  ScriptedServer bad_chunk({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"});
  auto b = UnixHttpClient(bad_chunk.path()).Request("GET", "/", 1s);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("chunk size"), std::string::npos) << b.error().message;

  ScriptedServer endless_header({"HTTP/1.1 200 OK\r\nX: " + std::string(70000, 'a')});
  auto e = UnixHttpClient(endless_header.path()).Request("GET", "/", 1s);
  ASSERT_FALSE(e.ok());
}

TEST(UnixHttpClient, AStreamDeliversEachLineAsItArrivesAcrossChunks) {
  ScriptedServer s({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "8\r\n{\"a\":1}\n\r\n", "4\r\n{\"b\"\r\n",
                    "4\r\n:2}\n\r\n", "0\r\n\r\n"});
  std::vector<std::string> lines;
  HttpStreamCancel cancel;
  Status end = UnixHttpClient(s.path()).StreamLines("/events", [&](std::string_view l) { lines.emplace_back(l); }, cancel);
  EXPECT_FALSE(end.ok()) << "a stream that ends is an error its reader reconnects on";
  EXPECT_EQ(end.error().kind, ErrorKind::kUnavailable);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "{\"a\":1}");
  EXPECT_EQ(lines[1], "{\"b\":2}");
}

TEST(UnixHttpClient, AnIdleStreamEndsWhenCancelled) {
  ScriptedServer s({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"}, /*hold=*/true);
  HttpStreamCancel cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(200ms);
    cancel.Cancel();
  });
  auto t0 = std::chrono::steady_clock::now();
  Status end = UnixHttpClient(s.path()).StreamLines("/events", [](std::string_view) {}, cancel);
  canceller.join();
  EXPECT_FALSE(end.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
}

TEST(UnixHttpClient, AStreamRefusedWithAStatusSaysWhy) {
  ScriptedServer s({"HTTP/1.1 404 Not Found\r\nContent-Length: 23\r\n\r\n{\"message\":\"no route\"}\n"});
  HttpStreamCancel cancel;
  Status end = UnixHttpClient(s.path()).StreamLines("/events", [](std::string_view) { FAIL() << "no line"; }, cancel);
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(end.error().message.find("no route"), std::string::npos) << end.error().message;
}

}  // namespace
}  // namespace riposte
