// What riposte's HTTP endpoints receive and answer, and the limits every connection
// lives within. The sender's identity comes from the connection, never from the request:
// peer credentials of a unix socket, the verified certificate of a TLS client, the
// address of a TCP peer.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace riposte {

struct HttpLimits {
  size_t max_connections = 128;          // open at once; more are closed at accept
  size_t max_connections_per_peer = 16;  // per uid (unix) or address (TCP)
  size_t workers = 2;                    // handler threads
  size_t max_queued = 64;                // complete requests waiting for a worker
  size_t max_header_bytes = 16 << 10;
  size_t max_body_bytes = 4 << 20;       // Content-Length or chunked, decoded
  std::chrono::milliseconds header_timeout{5000};  // accept to the end of the head
  std::chrono::milliseconds body_timeout{10000};   // end of head to the end of the body
  std::chrono::milliseconds write_timeout{5000};
};

struct HttpPeer {
  enum class Transport { kTcp, kUnix, kTls };
  Transport transport = Transport::kTcp;
  std::string address;  // "IP:PORT" (TCP, TLS) or the socket path (unix)
  // unix: SO_PEERCRED at connect
  pid_t pid = 0;
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
  std::string tls_subject;  // TLS: the verified client certificate's subject, "" without one
  // What connection limits count by: the uid for a unix peer, the IP otherwise.
  std::string LimitKey() const;
};
std::string_view TransportName(HttpPeer::Transport t);

struct HttpRequest {
  std::string method;
  std::string target;  // as sent: path and query
  std::string path;    // without the query
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  HttpPeer peer;
  // The first header of that (lower-case) name, or "".
  std::string Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// The status line's reason phrase for the codes riposte sends.
std::string_view StatusReason(int status);
// The whole response as sent (always Connection: close).
std::string SerializeResponse(const HttpResponse& response);

}  // namespace riposte
