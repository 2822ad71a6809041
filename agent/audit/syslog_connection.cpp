#include "audit/syslog_connection.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace riposte {
namespace {

std::string SslError(const std::string& what) {
  const unsigned long e = ERR_get_error();
  char buf[256] = "unknown";
  if (e) ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return what + ": " + buf;
}

}  // namespace

Result<SyslogTarget> ParseSyslogAddress(std::string_view address) {
  SyslogTarget t;
  std::string_view port;
  if (!address.empty() && address.front() == '[') {
    const size_t close = address.find(']');
    if (close == std::string_view::npos || close + 1 >= address.size() || address[close + 1] != ':')
      return Error{"syslog address '" + std::string(address) + "': expected [IPv6]:PORT"};
    t.host = std::string(address.substr(1, close - 1));
    port = address.substr(close + 2);
  } else {
    const size_t colon = address.rfind(':');
    if (colon == std::string_view::npos || colon == 0)
      return Error{"syslog address '" + std::string(address) + "': expected HOST:PORT"};
    t.host = std::string(address.substr(0, colon));
    port = address.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
    return Error{"syslog address '" + std::string(address) + "': the port must be 1-65535"};
  t.port = static_cast<uint16_t>(value);
  return t;
}

std::string SyslogMessage(std::string_view record_json, std::string_view kind, std::string_view host,
                          std::string_view time_rfc3339, int pid) {
  // <PRI>: local0 (16) * 8 + notice (5). Header fields are printable ASCII without spaces
  // (RFC 5424 6.2); anything else becomes '_' or the nil value.
  auto field = [](std::string_view v, size_t max) {
    std::string out;
    for (char c : v.substr(0, max)) out += (c > 32 && c < 127) ? c : '_';
    return out.empty() ? std::string("-") : out;
  };
  std::string m = "<133>1 " + field(time_rfc3339, 64) + " " + field(host, 255) + " riposte " + std::to_string(pid) +
                  " " + field(kind, 32) + " - ";
  m.append(record_json);
  return m;
}

Result<std::unique_ptr<SyslogConnection>> SyslogConnection::Connect(const SyslogTarget& target, int timeout_ms) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(target.host.c_str(), std::to_string(target.port).c_str(), &hints, &found); rc != 0)
    return Error{"syslog " + target.host + ": " + gai_strerror(rc), ErrorKind::kUnavailable};
  std::unique_ptr<SyslogConnection> c(new SyslogConnection());
  std::string last = "no address";
  for (addrinfo* a = found; a; a = a->ai_next) {
    UniqueFd fd(socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd.valid()) continue;
    int rc = connect(fd.get(), a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd.get(), POLLOUT, 0};
      int err = 0;
      socklen_t len = sizeof err;
      if (poll(&p, 1, timeout_ms) == 1 && getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) rc = 0;
      else errno = err ? err : ETIMEDOUT;
    }
    if (rc == 0) {
      c->fd_ = std::move(fd);
      break;
    }
    last = std::strerror(errno);
  }
  freeaddrinfo(found);
  if (!c->fd_.valid())
    return Error{"syslog " + target.host + ":" + std::to_string(target.port) + ": " + last, ErrorKind::kUnavailable};
  // Blocking from here, with a send timeout: a collector that stops reading cannot hang
  // the shipper forever.
  const int flags = fcntl(c->fd_.get(), F_GETFL);
  fcntl(c->fd_.get(), F_SETFL, flags & ~O_NONBLOCK);
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(c->fd_.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  setsockopt(c->fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (target.tls_ca.empty()) return c;

  c->ctx_ = SSL_CTX_new(TLS_client_method());
  if (!c->ctx_) return Error{SslError("TLS")};
  SSL_CTX_set_min_proto_version(c->ctx_, TLS1_2_VERSION);
  SSL_CTX_set_verify(c->ctx_, SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_load_verify_locations(c->ctx_, target.tls_ca.c_str(), nullptr) != 1)
    return Error{SslError("syslog TLS CA " + target.tls_ca)};
  if (!target.tls_cert.empty()) {
    if (SSL_CTX_use_certificate_chain_file(c->ctx_, target.tls_cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(c->ctx_, target.tls_key.c_str(), SSL_FILETYPE_PEM) != 1)
      return Error{SslError("syslog TLS client certificate " + target.tls_cert)};
  }
  c->ssl_ = SSL_new(c->ctx_);
  const std::string name = target.tls_server_name.empty() ? target.host : target.tls_server_name;
  SSL_set_tlsext_host_name(c->ssl_, name.c_str());
  // The collector's certificate must name it (a DNS name, or an IP address).
  X509_VERIFY_PARAM* param = SSL_get0_param(c->ssl_);
  in6_addr ip6{};
  in_addr ip4{};
  if (inet_pton(AF_INET, name.c_str(), &ip4) == 1 || inet_pton(AF_INET6, name.c_str(), &ip6) == 1)
    X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
  else
    X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0);
  SSL_set_fd(c->ssl_, c->fd_.get());
  if (SSL_connect(c->ssl_) != 1) {
    const long verify = SSL_get_verify_result(c->ssl_);
    if (verify != X509_V_OK)
      return Error{"syslog TLS: the collector's certificate is refused: " +
                       std::string(X509_verify_cert_error_string(verify)),
                   ErrorKind::kUnavailable};
    return Error{SslError("syslog TLS handshake"), ErrorKind::kUnavailable};
  }
  return c;
}

SyslogConnection::~SyslogConnection() {
  if (ssl_) {
    SSL_shutdown(ssl_);
    SSL_free(ssl_);
  }
  if (ctx_) SSL_CTX_free(ctx_);
}

Status SyslogConnection::WriteAll(const char* data, size_t size) {
  size_t done = 0;
  while (done < size) {
    if (ssl_) {
      size_t n = 0;
      if (SSL_write_ex(ssl_, data + done, size - done, &n) != 1)
        return Error{SslError("syslog TLS write"), ErrorKind::kUnavailable};
      done += n;
    } else {
      const ssize_t n = send(fd_.get(), data + done, size - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Error{std::string("syslog write: ") + std::strerror(errno), ErrorKind::kUnavailable};
      done += static_cast<size_t>(n);
    }
  }
  return Status::Ok();
}

Status SyslogConnection::Send(std::string_view message) {
  std::string frame = std::to_string(message.size()) + " ";
  frame.append(message);
  return WriteAll(frame.data(), frame.size());
}

Result<std::string> SyslogConnection::Receive() {
  char buf[4096];
  if (ssl_) {
    size_t n = 0;
    if (SSL_read_ex(ssl_, buf, sizeof buf, &n) != 1) return Error{SslError("RELP TLS read"), ErrorKind::kUnavailable};
    return std::string(buf, n);
  }
  for (;;) {
    const ssize_t n = recv(fd_.get(), buf, sizeof buf, 0);
    if (n > 0) return std::string(buf, static_cast<size_t>(n));
    if (n < 0 && errno == EINTR) continue;
    return Error{n == 0 ? std::string("RELP: the collector closed the connection")
                        : std::string("RELP read: ") + std::strerror(errno),
                 ErrorKind::kUnavailable};
  }
}

bool SyslogConnection::Healthy() {
  // A collector never sends on this connection: anything readable is its end (EOF) or an
  // error (reset).
  pollfd p{fd_.get(), POLLIN | POLLRDHUP, 0};
  if (poll(&p, 1, 0) < 0) return false;
  if (p.revents & (POLLERR | POLLHUP | POLLRDHUP)) return false;
  if (p.revents & POLLIN) {
    char c;
    const ssize_t n = recv(fd_.get(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n <= 0) return false;
    // TLS: a close_notify alert or session ticket; still alive unless TLS says closed.
    if (ssl_) {
      const int flags = fcntl(fd_.get(), F_GETFL);
      fcntl(fd_.get(), F_SETFL, flags | O_NONBLOCK);
      char buf[256];
      const int r = SSL_read(ssl_, buf, sizeof buf);
      const int e = r <= 0 ? SSL_get_error(ssl_, r) : SSL_ERROR_NONE;
      fcntl(fd_.get(), F_SETFL, flags);
      ERR_clear_error();
      return r > 0 || e == SSL_ERROR_WANT_READ;
    }
  }
  return true;
}

}  // namespace riposte
