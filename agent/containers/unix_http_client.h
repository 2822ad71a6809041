// HTTP/1.1 over a unix socket, for the container engines that serve their API that way
// (dockerd, podman's Docker-compatible service). One connection per request
// ("Connection: close"), a deadline on every read and write, and a reply that cannot grow
// without bound: the engine's socket is root's, but what it relays (names, labels an image
// set) comes from whoever built the image.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "common/result.h"

namespace riposte {

struct HttpReply {
  int status = 0;
  std::string body;
};

// A running stream another thread can end (shuts its socket down).
class HttpStreamCancel {
 public:
  void Cancel();

 private:
  friend class UnixHttpClient;
  bool Attach(int fd);  // false when already cancelled
  void Detach();
  std::mutex mu_;
  int fd_ = -1;
  bool cancelled_ = false;
};

class UnixHttpClient {
 public:
  explicit UnixHttpClient(std::string socket_path) : socket_path_(std::move(socket_path)) {}
  const std::string& socket_path() const { return socket_path_; }

  // The whole reply within `timeout`. A socket that is missing or refuses, and a reply
  // that does not come in time, are kUnavailable errors; a malformed reply is kGeneric.
  Result<HttpReply> Request(std::string_view method, std::string_view target, std::chrono::milliseconds timeout,
                            size_t max_body = 16 << 20) const;

  // A GET whose body is a stream of newline-separated lines (an engine's /events): each
  // complete line goes to `on_line` as it arrives, until the server ends the stream, the
  // stream is cancelled, or a line exceeds `max_line`. A non-2xx status is an error
  // before any line. Blocks the calling thread.
  Status StreamLines(std::string_view target, const std::function<void(std::string_view)>& on_line,
                     HttpStreamCancel& cancel, size_t max_line = 1 << 20) const;

 private:
  std::string socket_path_;
};

}  // namespace riposte
