#include "containers/unix_http_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <optional>

#include "common/unique_fd.h"

namespace riposte {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxHeaderBytes = 64 << 10;

Error Unavailable(const std::string& socket, const std::string& why) {
  return Error{socket + ": " + why, ErrorKind::kUnavailable};
}

// One connection's bytes: what has been read and not yet consumed, and where the next
// read's deadline lies (none for a stream, which may be idle for hours).
class Connection {
 public:
  Connection(UniqueFd fd, std::string socket, std::optional<Clock::time_point> deadline)
      : fd_(std::move(fd)), socket_(std::move(socket)), deadline_(deadline) {}
  int fd() const { return fd_.get(); }

  Status WriteAll(std::string_view data) {
    while (!data.empty()) {
      if (Status s = Wait(POLLOUT); !s) return s;
      ssize_t n = send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Unavailable(socket_, std::string("write: ") + std::strerror(errno));
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  // Reads more bytes; false at the end of the stream.
  Result<bool> Fill() {
    if (Status s = Wait(POLLIN); !s) return s.error();
    char chunk[16384];
    for (;;) {
      ssize_t n = recv(fd_.get(), chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Unavailable(socket_, std::string("read: ") + std::strerror(errno));
      if (n == 0) return false;
      buf_.append(chunk, static_cast<size_t>(n));
      return true;
    }
  }

  // The next "\r\n"-terminated line (without it), reading as needed; `max` bounds it.
  Result<std::string> Line(size_t max) {
    for (;;) {
      size_t eol = buf_.find("\r\n", pos_);
      if (eol != std::string::npos) {
        std::string line = buf_.substr(pos_, eol - pos_);
        pos_ = eol + 2;
        return line;
      }
      if (buf_.size() - pos_ > max) return Error{"malformed reply from " + socket_ + ": a line over " + std::to_string(max) + " bytes"};
      auto more = Fill();
      if (!more) return more.error();
      if (!*more) return Unavailable(socket_, "the connection closed mid-reply");
    }
  }

  // Up to `n` buffered-or-read bytes (at least one unless the stream ended).
  Result<std::string> Some(size_t n) {
    if (pos_ == buf_.size()) {
      Compact();
      auto more = Fill();
      if (!more) return more.error();
      if (!*more) return std::string();
    }
    size_t take = std::min(n, buf_.size() - pos_);
    std::string out = buf_.substr(pos_, take);
    pos_ += take;
    return out;
  }

 private:
  Status Wait(short events) {
    for (;;) {
      int timeout_ms = -1;
      if (deadline_) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - Clock::now()).count();
        if (left <= 0) return Unavailable(socket_, "no reply in time");
        timeout_ms = static_cast<int>(left);
      }
      pollfd p{fd_.get(), events, 0};
      int r = poll(&p, 1, timeout_ms);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return Unavailable(socket_, std::string("poll: ") + std::strerror(errno));
      if (r == 0) return Unavailable(socket_, "no reply in time");
      return Status::Ok();
    }
  }
  void Compact() {
    buf_.erase(0, pos_);
    pos_ = 0;
  }

  UniqueFd fd_;
  std::string socket_;
  std::optional<Clock::time_point> deadline_;
  std::string buf_;
  size_t pos_ = 0;
};

Result<UniqueFd> Connect(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return Error{path + ": socket path too long"};
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) return Error{std::string("socket: ") + std::strerror(errno)};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  // A local connect completes or fails at once (EAGAIN only when the backlog is full).
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return Unavailable(path, std::strerror(errno));
  return fd;
}

struct Head {
  int status = 0;
  bool chunked = false;
  std::optional<size_t> content_length;
};

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<size_t> ParseSize(std::string_view s, int base) {
  if (s.empty() || s.size() > 16) return std::nullopt;
  size_t v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9' ? c - '0' : (base == 16 && c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (base == 16 && c >= 'A' && c <= 'F')                              ? c - 'A' + 10
                                                                                 : -1;
    if (d < 0) return std::nullopt;
    v = v * base + static_cast<size_t>(d);
  }
  return v;
}

Result<Head> ReadHead(Connection& c, const std::string& socket) {
  Head head;
  size_t total = 0;
  auto status_line = c.Line(kMaxHeaderBytes);
  if (!status_line) return status_line.error();
  // "HTTP/1.1 200 OK"
  std::string_view sl = *status_line;
  if (!sl.starts_with("HTTP/1.") || sl.size() < 12 || sl[8] != ' ')
    return Error{"malformed reply from " + socket + ": status line '" + std::string(sl.substr(0, 80)) + "'"};
  auto code = ParseSize(sl.substr(9, 3), 10);
  if (!code || *code < 100 || *code > 599) return Error{"malformed reply from " + socket + ": status '" + std::string(sl.substr(9, 3)) + "'"};
  head.status = static_cast<int>(*code);
  for (;;) {
    auto line = c.Line(kMaxHeaderBytes);
    if (!line) return line.error();
    total += line->size();
    if (total > kMaxHeaderBytes) return Error{"malformed reply from " + socket + ": headers over 64 KiB"};
    if (line->empty()) break;
    std::string_view h = *line;
    size_t colon = h.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = Trim(h.substr(0, colon)), value = Trim(h.substr(colon + 1));
    if (EqualsNoCase(name, "Transfer-Encoding")) head.chunked = EqualsNoCase(value, "chunked");
    if (EqualsNoCase(name, "Content-Length")) {
      head.content_length = ParseSize(value, 10);
      if (!head.content_length) return Error{"malformed reply from " + socket + ": Content-Length '" + std::string(value) + "'"};
    }
  }
  return head;
}

// Feeds the body's bytes, de-chunked, to `sink` until the body ends; `sink` returns an
// error to stop early.
Status ReadBody(Connection& c, const Head& head, const std::string& socket,
                const std::function<Status(std::string_view)>& sink) {
  if (head.chunked) {
    for (;;) {
      auto size_line = c.Line(1024);
      if (!size_line) return size_line.error();
      std::string_view sz = *size_line;
      if (size_t semi = sz.find(';'); semi != std::string_view::npos) sz = sz.substr(0, semi);
      auto size = ParseSize(Trim(sz), 16);
      if (!size) return Error{"malformed reply from " + socket + ": chunk size '" + std::string(sz.substr(0, 20)) + "'"};
      if (*size == 0) return Status::Ok();  // trailers, if any, are not read
      size_t left = *size;
      while (left > 0) {
        auto part = c.Some(left);
        if (!part) return part.error();
        if (part->empty()) return Unavailable(socket, "the connection closed mid-chunk");
        left -= part->size();
        if (Status s = sink(*part); !s) return s;
      }
      auto end = c.Line(2);
      if (!end) return end.error();
      if (!end->empty()) return Error{"malformed reply from " + socket + ": no CRLF after a chunk"};
    }
  }
  if (head.content_length) {
    size_t left = *head.content_length;
    while (left > 0) {
      auto part = c.Some(left);
      if (!part) return part.error();
      if (part->empty()) return Unavailable(socket, "the connection closed mid-body");
      left -= part->size();
      if (Status s = sink(*part); !s) return s;
    }
    return Status::Ok();
  }
  if (head.status == 204 || head.status == 304) return Status::Ok();
  for (;;) {  // no length: the body runs to the end of the connection
    auto part = c.Some(16384);
    if (!part) return part.error();
    if (part->empty()) return Status::Ok();
    if (Status s = sink(*part); !s) return s;
  }
}

std::string RequestText(std::string_view method, std::string_view target) {
  std::string req;
  req.reserve(128 + target.size());
  req.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  req.append("Host: localhost\r\nUser-Agent: riposte\r\nConnection: close\r\n");
  if (method == "POST") req.append("Content-Length: 0\r\n");
  req.append("\r\n");
  return req;
}

}  // namespace

bool HttpStreamCancel::Attach(int fd) {
  std::lock_guard lock(mu_);
  if (cancelled_) return false;
  fd_ = fd;
  return true;
}

void HttpStreamCancel::Detach() {
  std::lock_guard lock(mu_);
  fd_ = -1;
}

void HttpStreamCancel::Cancel() {
  std::lock_guard lock(mu_);
  cancelled_ = true;
  if (fd_ >= 0) shutdown(fd_, SHUT_RDWR);
}

Result<HttpReply> UnixHttpClient::Request(std::string_view method, std::string_view target,
                                          std::chrono::milliseconds timeout, size_t max_body) const {
  auto fd = Connect(socket_path_);
  if (!fd) return fd.error();
  Connection c(std::move(*fd), socket_path_, Clock::now() + timeout);
  if (Status s = c.WriteAll(RequestText(method, target)); !s) return s.error();
  auto head = ReadHead(c, socket_path_);
  if (!head) return head.error();
  HttpReply reply;
  reply.status = head->status;
  Status body = ReadBody(c, *head, socket_path_, [&](std::string_view part) -> Status {
    if (reply.body.size() + part.size() > max_body)
      return Error{"reply from " + socket_path_ + " is over " + std::to_string(max_body) + " bytes"};
    reply.body.append(part);
    return Status::Ok();
  });
  if (!body) return body.error();
  return reply;
}

Status UnixHttpClient::StreamLines(std::string_view target, const std::function<void(std::string_view)>& on_line,
                                   HttpStreamCancel& cancel, size_t max_line) const {
  auto fd = Connect(socket_path_);
  if (!fd) return fd.error();
  if (!cancel.Attach(fd->get())) return Error{"cancelled", ErrorKind::kUnavailable};
  struct DetachOnExit {
    HttpStreamCancel& c;
    ~DetachOnExit() { c.Detach(); }
  } detach{cancel};
  // The request and the reply's head must come promptly; the body may then be idle.
  Connection c(std::move(*fd), socket_path_, std::nullopt);
  if (Status s = c.WriteAll(RequestText("GET", target)); !s) return s;
  auto head = ReadHead(c, socket_path_);
  if (!head) return head.error();
  std::string line;
  Status body = ReadBody(c, *head, socket_path_, [&](std::string_view part) -> Status {
    if (head->status / 100 != 2) {
      line.append(part.substr(0, 512 - std::min<size_t>(line.size(), 512)));
      return Status::Ok();
    }
    for (char ch : part) {
      if (ch == '\n') {
        if (!line.empty()) on_line(line);
        line.clear();
      } else if (line.size() < max_line) {
        line.push_back(ch);
      } else {
        return Error{"a line of the stream from " + socket_path_ + " is over " + std::to_string(max_line) + " bytes"};
      }
    }
    return Status::Ok();
  });
  if (head->status / 100 != 2)
    return Error{socket_path_ + ": HTTP " + std::to_string(head->status) + " " + line,
                 head->status == 404 ? ErrorKind::kNotFound : ErrorKind::kGeneric};
  if (!body) return body;
  return Error{"the stream from " + socket_path_ + " ended", ErrorKind::kUnavailable};
}

}  // namespace riposte
