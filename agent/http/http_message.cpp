#include "http/http_message.h"

#include <fmt/format.h>

namespace riposte {

std::string HttpPeer::LimitKey() const {
  if (transport == Transport::kUnix) return "uid:" + std::to_string(uid);
  const size_t colon = address.rfind(':');
  return "ip:" + address.substr(0, colon);
}

std::string_view TransportName(HttpPeer::Transport t) {
  switch (t) {
    case HttpPeer::Transport::kTcp: return "tcp";
    case HttpPeer::Transport::kUnix: return "unix";
    case HttpPeer::Transport::kTls: return "tls";
  }
  return "tcp";
}

std::string HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return "";
}

std::string_view StatusReason(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

std::string SerializeResponse(const HttpResponse& r) {
  std::string out = fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
                                r.status, StatusReason(r.status), r.content_type, r.body.size());
  for (const auto& [k, v] : r.headers) out += k + ": " + v + "\r\n";
  out += "\r\n";
  out += r.body;
  return out;
}

}  // namespace riposte
