#include "http/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>

#include <spdlog/spdlog.h>

#include "common/safe_file.h"
#include "common/unique_fd.h"
#include "http/http_request_parser.h"

namespace riposte {
namespace {

using Clock = std::chrono::steady_clock;

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

struct SslDeleter {
  void operator()(SSL* s) const { SSL_free(s); }
};

std::string AddressText(const sockaddr_storage& ss) {
  char host[INET6_ADDRSTRLEN] = {};
  int port = 0;
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
    port = ntohs(a->sin_port);
    return std::string(host) + ":" + std::to_string(port);
  }
  const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
  inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
  port = ntohs(a->sin6_port);
  return "[" + std::string(host) + "]:" + std::to_string(port);
}

}  // namespace

Result<std::pair<std::string, int>> SplitHostPort(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) return Error{"'" + listen + "' is not HOST:PORT"};
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  char* end = nullptr;
  const long port = std::strtol(listen.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port < 0 || port > 65535) return Error{"'" + listen + "': bad port"};
  return std::make_pair(host, static_cast<int>(port));
}

class HttpServer::Loop {
 public:
  Loop(HttpLimits limits, HttpHandler handler) : limits_(limits), handler_(std::move(handler)) {}
  ~Loop() { Stop(); }

  Status Bind(const HttpListenSpec& spec);
  void Run() {
    wake_ = UniqueFd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    for (size_t i = 0; i < std::max<size_t>(1, limits_.workers); ++i) workers_.emplace_back([this] { Work(); });
    thread_ = std::thread([this] { Serve(); });
  }
  void Stop();
  int port(size_t i) const { return i < listeners_.size() ? listeners_[i].port : 0; }

 private:
  struct Listener {
    UniqueFd fd;
    HttpListenSpec spec;
    int port = 0;
  };
  enum class Phase { kHandshake, kReading, kHandling, kWriting };
  struct Conn {
    uint64_t id = 0;
    UniqueFd fd;
    std::unique_ptr<SSL, SslDeleter> ssl;
    HttpPeer peer;
    std::string limit_key;
    Phase phase = Phase::kReading;
    std::unique_ptr<HttpRequestParser> parser;
    std::string out;
    size_t out_pos = 0;
    bool close_after_write = true;
    bool want_write = false;  // TLS asked to be called again when writable
    Clock::time_point opened, deadline;
  };
  struct Job {
    uint64_t conn;
    HttpRequest request;
  };

  void Serve();
  void Accept(Listener& l);
  void OnReadable(Conn& c);
  void OnWritable(Conn& c);
  void Handshake(Conn& c);
  void Respond(Conn& c, HttpResponse r);
  void Interim(Conn& c, const std::string& text);
  void Close(uint64_t id);
  void Work();
  void TakeFinished();
  ssize_t Read(Conn& c, char* buf, size_t n);
  ssize_t Write(Conn& c, const char* buf, size_t n);
  static ssize_t SocketResult(ssize_t r);
  static ssize_t SslResult(Conn& c, int r, bool reading);

  HttpLimits limits_;
  HttpHandler handler_;
  std::vector<Listener> listeners_;
  UniqueFd wake_;
  std::thread thread_;
  std::vector<std::thread> workers_;
  std::atomic<bool> stop_{false};
  std::map<uint64_t, Conn> conns_;
  std::map<std::string, size_t> per_peer_;
  uint64_t next_id_ = 1;

  std::mutex jobs_mu_;
  std::condition_variable jobs_cv_;
  std::deque<Job> jobs_;
  std::deque<std::pair<uint64_t, HttpResponse>> finished_;
};

Status HttpServer::Loop::Bind(const HttpListenSpec& spec) {
  Listener l;
  l.spec = spec;
  if (spec.kind == HttpListenSpec::Kind::kUnix) {
    const std::string& path = spec.address;
    sockaddr_un addr{};
    if (path.empty() || path.size() >= sizeof(addr.sun_path)) return Error{"unix socket path '" + path + "' is too long"};
    const std::string dir = std::filesystem::path(path).parent_path().string();
    if (Status s = MakeDirectories(dir.empty() ? "." : dir, 0755); !s) return s;
    auto dirfd = OpenSafeDirectory(dir.empty() ? "." : dir);
    if (!dirfd) return dirfd.error();
    // A socket left by an earlier run is replaced; anything else at the path is not ours.
    struct stat st {};
    if (lstat(path.c_str(), &st) == 0) {
      if (!S_ISSOCK(st.st_mode) || st.st_uid != geteuid())
        return Error{path + " exists and is not a socket of riposte's: refused"};
      unlink(path.c_str());
    }
    l.fd = UniqueFd(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!l.fd.valid()) return Error{Errno("socket")};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.data(), path.size());
    // Connecting needs write permission on the socket: with the usual umask it is
    // created 0755 (only its owner may connect) and then set to the configured mode.
    if (bind(l.fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return Error{Errno("bind " + path)};
    if (chmod(path.c_str(), spec.socket_mode) != 0) return Error{Errno("chmod " + path)};
  } else {
    auto hp = SplitHostPort(spec.address);
    if (!hp) return hp.error();
    addrinfo hints{}, *res = nullptr;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    const std::string port_text = std::to_string(hp->second);
    if (getaddrinfo(hp->first.empty() ? nullptr : hp->first.c_str(), port_text.c_str(), &hints, &res) != 0 || !res)
      return Error{spec.address + ": not an address of this host"};
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(res, freeaddrinfo);
    l.fd = UniqueFd(socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!l.fd.valid()) return Error{Errno("socket")};
    // SO_REUSEADDR only: a restart rebinds past TIME_WAIT, but a second process cannot
    // share the port (SO_REUSEPORT would let it take half the connections).
    int yes = 1;
    setsockopt(l.fd.get(), SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (bind(l.fd.get(), res->ai_addr, res->ai_addrlen) != 0)
      return Error{Errno(spec.address + ": cannot bind (address in use, or not an address of this host)")};
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    getsockname(l.fd.get(), reinterpret_cast<sockaddr*>(&bound), &len);
    l.port = bound.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port)
                                        : ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  }
  if (listen(l.fd.get(), 256) != 0) return Error{Errno("listen " + spec.address)};
  listeners_.push_back(std::move(l));
  return Status::Ok();
}

void HttpServer::Loop::Stop() {
  if (stop_.exchange(true)) return;
  if (wake_.valid()) {
    uint64_t one = 1;
    (void)!write(wake_.get(), &one, sizeof one);
  }
  jobs_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& w : workers_)
    if (w.joinable()) w.join();
  for (const auto& l : listeners_)
    if (l.spec.kind == HttpListenSpec::Kind::kUnix) unlink(l.spec.address.c_str());
}

void HttpServer::Loop::Accept(Listener& l) {
  while (true) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    UniqueFd fd(accept4(l.fd.get(), reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd.valid()) return;  // EAGAIN, or a transient error: poll again
    Conn c;
    if (l.spec.kind == HttpListenSpec::Kind::kUnix) {
      c.peer.transport = HttpPeer::Transport::kUnix;
      c.peer.address = l.spec.address;
      ucred cred{};
      socklen_t clen = sizeof cred;
      if (getsockopt(fd.get(), SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0) continue;
      c.peer.pid = cred.pid;
      c.peer.uid = cred.uid;
      c.peer.gid = cred.gid;
    } else {
      c.peer.transport = l.spec.tls ? HttpPeer::Transport::kTls : HttpPeer::Transport::kTcp;
      c.peer.address = AddressText(ss);
    }
    c.limit_key = c.peer.LimitKey();
    if (conns_.size() >= limits_.max_connections) continue;  // closed at once
    size_t& mine = per_peer_[c.limit_key];
    if (mine >= limits_.max_connections_per_peer) {
      // Evict this peer's oldest connection that has not sent a whole request yet.
      uint64_t oldest = 0;
      for (const auto& [id, other] : conns_)
        if (other.limit_key == c.limit_key && (other.phase == Phase::kReading || other.phase == Phase::kHandshake)) {
          oldest = id;
          break;  // ids grow with time: the first is the oldest
        }
      if (!oldest) continue;
      Close(oldest);
    }
    c.id = next_id_++;
    c.fd = std::move(fd);
    c.parser = std::make_unique<HttpRequestParser>(limits_);
    c.opened = Clock::now();
    c.deadline = c.opened + limits_.header_timeout;
    if (l.spec.tls) {
      c.ssl.reset(SSL_new(l.spec.tls->get()));
      if (!c.ssl || SSL_set_fd(c.ssl.get(), c.fd.get()) != 1) continue;
      SSL_set_accept_state(c.ssl.get());
      c.phase = Phase::kHandshake;
    }
    ++per_peer_[c.limit_key];
    const uint64_t id = c.id;
    conns_.emplace(id, std::move(c));
  }
}

void HttpServer::Loop::Close(uint64_t id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  auto peer = per_peer_.find(it->second.limit_key);
  if (peer != per_peer_.end() && --peer->second == 0) per_peer_.erase(peer);
  conns_.erase(it);
}

// A socket call's result as the loop takes it: bytes, kAgain (nothing now: poll again)
// or kFailed (close the connection).
namespace {
constexpr ssize_t kAgain = -1, kFailed = -2;
}  // namespace

ssize_t HttpServer::Loop::SocketResult(ssize_t r) {
  if (r >= 0) return r;
  return errno == EAGAIN || errno == EINTR ? kAgain : kFailed;
}

ssize_t HttpServer::Loop::SslResult(Conn& c, int r, bool reading) {
  if (r > 0) return r;
  const int e = SSL_get_error(c.ssl.get(), r);
  c.want_write = e == SSL_ERROR_WANT_WRITE;
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return kAgain;
  ERR_clear_error();
  return reading && e == SSL_ERROR_ZERO_RETURN ? 0 : kFailed;
}

ssize_t HttpServer::Loop::Read(Conn& c, char* buf, size_t n) {
  if (!c.ssl) return SocketResult(read(c.fd.get(), buf, n));
  return SslResult(c, SSL_read(c.ssl.get(), buf, static_cast<int>(n)), true);
}

ssize_t HttpServer::Loop::Write(Conn& c, const char* buf, size_t n) {
  if (!c.ssl) return SocketResult(send(c.fd.get(), buf, n, MSG_NOSIGNAL));
  return SslResult(c, SSL_write(c.ssl.get(), buf, static_cast<int>(n)), false);
}

void HttpServer::Loop::Handshake(Conn& c) {
  int r = SSL_accept(c.ssl.get());
  if (r == 1) {
    c.phase = Phase::kReading;
    c.want_write = false;
    if (X509* cert = SSL_get_peer_certificate(c.ssl.get())) {
      char subject[512] = {};
      X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
      c.peer.tls_subject = subject;
      X509_free(cert);
    }
    return;
  }
  int e = SSL_get_error(c.ssl.get(), r);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
    c.want_write = e == SSL_ERROR_WANT_WRITE;
    return;
  }
  unsigned long err = ERR_get_error();
  char text[256] = {};
  if (err) ERR_error_string_n(err, text, sizeof text);
  ERR_clear_error();
  spdlog::warn("TLS handshake with {} failed: {}", c.peer.address, err ? text : "connection closed");
  Close(c.id);
}

void HttpServer::Loop::Interim(Conn& c, const std::string& text) {
  // Small enough to go out in one write on a fresh connection; if not, the client waits
  // for the body it was told it may send, and its deadline ends it.
  (void)Write(c, text.data(), text.size());
}

void HttpServer::Loop::Respond(Conn& c, HttpResponse r) {
  c.out = SerializeResponse(r);
  c.out_pos = 0;
  c.phase = Phase::kWriting;
  c.deadline = Clock::now() + limits_.write_timeout;
  OnWritable(c);
}

void HttpServer::Loop::OnReadable(Conn& c) {
  char buf[16 << 10];
  while (c.phase == Phase::kReading) {
    ssize_t n = Read(c, buf, sizeof buf);
    if (n == kAgain) return;  // nothing more now
    if (n <= 0) return Close(c.id);
    const bool had_head = c.parser->head_complete();
    auto state = c.parser->Feed(std::string_view(buf, static_cast<size_t>(n)));
    if (state == HttpRequestParser::State::kError) {
      HttpResponse r{c.parser->error_status(), "text/plain", c.parser->error() + "\n", {}};
      return Respond(c, std::move(r));
    }
    if (!had_head && c.parser->head_complete()) {
      c.deadline = Clock::now() + limits_.body_timeout;
      if (c.parser->wants_continue()) {
        Interim(c, "HTTP/1.1 100 Continue\r\n\r\n");
        c.parser->continue_sent();
      }
    }
    if (state == HttpRequestParser::State::kComplete) {
      HttpRequest req = std::move(c.parser->request());
      req.peer = c.peer;
      std::lock_guard lock(jobs_mu_);
      if (jobs_.size() >= limits_.max_queued) {
        HttpResponse busy{503, "text/plain", "busy: too many requests waiting\n", {}};
        return Respond(c, std::move(busy));
      }
      c.phase = Phase::kHandling;
      jobs_.push_back({c.id, std::move(req)});
      jobs_cv_.notify_one();
      return;
    }
  }
}

void HttpServer::Loop::OnWritable(Conn& c) {
  while (c.out_pos < c.out.size()) {
    ssize_t n = Write(c, c.out.data() + c.out_pos, c.out.size() - c.out_pos);
    if (n == kAgain) return;
    if (n < 0) return Close(c.id);
    c.out_pos += static_cast<size_t>(n);
  }
  if (c.ssl) SSL_shutdown(c.ssl.get());
  shutdown(c.fd.get(), SHUT_WR);
  Close(c.id);
}

void HttpServer::Loop::Work() {
  while (true) {
    Job job;
    {
      std::unique_lock lock(jobs_mu_);
      jobs_cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
      if (stop_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    HttpResponse r;
    try {
      r = handler_(job.request);
    } catch (const std::exception& e) {
      spdlog::error("HTTP handler failed on {} {}: {}", job.request.method, job.request.path, e.what());
      r = {500, "text/plain", "internal error\n", {}};
    }
    {
      std::lock_guard lock(jobs_mu_);
      finished_.emplace_back(job.conn, std::move(r));
    }
    uint64_t one = 1;
    (void)!write(wake_.get(), &one, sizeof one);
  }
}

void HttpServer::Loop::TakeFinished() {
  std::deque<std::pair<uint64_t, HttpResponse>> done;
  {
    std::lock_guard lock(jobs_mu_);
    done.swap(finished_);
  }
  for (auto& [id, r] : done) {
    auto it = conns_.find(id);
    if (it != conns_.end()) Respond(it->second, std::move(r));
  }
}

void HttpServer::Loop::Serve() {
  std::vector<pollfd> fds;
  std::vector<uint64_t> ids;
  while (!stop_) {
    fds.clear();
    ids.clear();
    fds.push_back({wake_.get(), POLLIN, 0});
    for (const auto& l : listeners_) fds.push_back({l.fd.get(), POLLIN, 0});
    const size_t first_conn = fds.size();
    auto now = Clock::now();
    auto next_deadline = now + std::chrono::seconds(1);
    for (auto& [id, c] : conns_) {
      short events = 0;
      if (c.phase == Phase::kHandshake || c.phase == Phase::kReading) events = c.want_write ? POLLOUT : POLLIN;
      else if (c.phase == Phase::kWriting) events = POLLOUT;
      if (c.phase != Phase::kHandling) next_deadline = std::min(next_deadline, c.deadline);
      fds.push_back({c.fd.get(), events, 0});
      ids.push_back(id);
    }
    const int timeout =
        static_cast<int>(std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(next_deadline - now).count()) + 1);
    if (poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) break;
    if (stop_) break;
    if (fds[0].revents) {
      uint64_t v;
      (void)!read(wake_.get(), &v, sizeof v);
      TakeFinished();
    }
    for (size_t i = 0; i < ids.size(); ++i) {
      const pollfd& p = fds[first_conn + i];
      if (!p.revents) continue;
      auto it = conns_.find(ids[i]);
      if (it == conns_.end()) continue;
      Conn& c = it->second;
      if (c.phase == Phase::kHandshake) {
        Handshake(c);
        if (conns_.count(ids[i]) && c.phase == Phase::kReading) OnReadable(c);
      } else if (c.phase == Phase::kReading) {
        OnReadable(c);
      } else if (c.phase == Phase::kWriting) {
        OnWritable(c);
      } else if (p.revents & (POLLHUP | POLLERR)) {
        // The client left while its request was being handled: the answer is dropped
        // when it comes (the connection is gone by then).
        Close(c.id);
      }
    }
    for (size_t i = 1; i < first_conn; ++i)
      if (fds[i].revents & POLLIN) Accept(listeners_[i - 1]);
    now = Clock::now();
    std::vector<uint64_t> expired;
    for (const auto& [id, c] : conns_)
      if (c.phase != Phase::kHandling && now >= c.deadline) expired.push_back(id);
    for (uint64_t id : expired) Close(id);
  }
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(std::vector<HttpListenSpec> listeners, HttpLimits limits,
                                                      HttpHandler handler) {
  if (listeners.empty()) return Error{"nothing to listen on"};
  std::unique_ptr<HttpServer> server(new HttpServer());
  server->loop_ = std::make_unique<Loop>(limits, std::move(handler));
  for (const auto& spec : listeners)
    if (Status s = server->loop_->Bind(spec); !s) return s.error();
  server->loop_->Run();
  return server;
}

HttpServer::~HttpServer() = default;

int HttpServer::port(size_t i) const { return loop_->port(i); }

}  // namespace riposte
