// One connection to a syslog collector: RFC 5424 messages over TCP with octet-counting
// framing (RFC 6587), in TLS (RFC 5425) when a CA is given — the collector's certificate
// must chain to that CA (pinning the collector's issuer, not the system's store) and name
// the expected host; a client certificate is presented when one is configured. Plain
// syslog over TCP has no acknowledgement: Healthy() tells that the collector has not
// closed or reset the connection, which is what the shipper's delivery rule rests on.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/unique_fd.h"

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace riposte {

struct SyslogTarget {
  std::string host;
  uint16_t port = 0;
  std::string tls_ca;           // "": plain TCP
  std::string tls_cert, tls_key;  // client certificate (optional)
  std::string tls_server_name;  // "": the host
};

// "HOST:PORT" ("[v6]:PORT" for IPv6); an error naming what is wrong.
Result<SyslogTarget> ParseSyslogAddress(std::string_view address);

// The RFC 5424 message of one audit record: facility local0, severity notice, APP-NAME
// riposte, MSGID the record's kind, no structured data, and the record's exact JSON as MSG
// (so a collector's copy verifies with `riposte audit verify`).
std::string SyslogMessage(std::string_view record_json, std::string_view kind, std::string_view host,
                          std::string_view time_rfc3339, int pid);

class SyslogConnection {
 public:
  static Result<std::unique_ptr<SyslogConnection>> Connect(const SyslogTarget& target, int timeout_ms);
  ~SyslogConnection();
  SyslogConnection(const SyslogConnection&) = delete;
  SyslogConnection& operator=(const SyslogConnection&) = delete;

  // Sends one message, framed ("LEN SP MSG").
  Status Send(std::string_view message);
  // The bytes as they are (RELP frames its own).
  Status SendRaw(std::string_view bytes) { return WriteAll(bytes.data(), bytes.size()); }
  // What the collector has sent (RELP's answers), waiting up to the connection's timeout;
  // an error when it closed or nothing came.
  Result<std::string> Receive();
  // False once the collector has closed or reset the connection.
  bool Healthy();

 private:
  SyslogConnection() = default;
  Status WriteAll(const char* data, size_t size);

  UniqueFd fd_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

}  // namespace riposte
