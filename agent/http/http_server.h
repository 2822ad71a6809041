// The HTTP server behind `riposte respond` and the ops endpoints, built so that nobody
// who can reach a port can starve it or make it eat memory:
//  - one event-loop thread reads every connection without blocking: a client that
//    trickles bytes, or opens a connection and sends nothing, costs a slot, not a thread;
//  - a request must arrive whole within its deadlines (head, then body) or the
//    connection is closed; heads and bodies (chunked included) have size limits;
//  - connections are capped in total and per peer (uid for a unix socket, address for
//    TCP); a peer at its cap loses its oldest unfinished connection, not its next one, so
//    a flood of idle connections cannot lock out the same peer's real requests;
//  - only complete requests reach the handler threads, through a bounded queue (503 when
//    full); every response closes its connection.
// Listeners: TCP, TCP with TLS (optionally mutual), and unix sockets, whose peers carry
// their kernel credentials (SO_PEERCRED). Stopped and joined on destruction.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "http/http_message.h"
#include "http/tls_context.h"

namespace riposte {

struct HttpListenSpec {
  enum class Kind { kTcp, kUnix };
  Kind kind = Kind::kTcp;
  std::string address;                      // HOST:PORT (port 0: any) or the socket's path
  std::shared_ptr<TlsServerContext> tls;    // TCP only; null: plain
  mode_t socket_mode = 0600;                // unix: the socket file's mode (owner: the agent)
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  // Binds every listener (an error names the one that failed, and nothing is served),
  // then serves on threads of its own.
  static Result<std::unique_ptr<HttpServer>> Start(std::vector<HttpListenSpec> listeners, HttpLimits limits,
                                                   HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound TCP port of listener `i` (for port 0), 0 for a unix socket.
  int port(size_t i) const;

 private:
  class Loop;
  HttpServer() = default;
  std::unique_ptr<Loop> loop_;
};

// "HOST:PORT" or "[v6]:PORT" split; an error says what is wrong.
Result<std::pair<std::string, int>> SplitHostPort(const std::string& listen);

}  // namespace riposte
