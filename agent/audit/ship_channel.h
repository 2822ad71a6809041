// Where the shipper's records go: one interface, three transports. Syslog (RFC 5424 over
// TCP or TLS, syslog_connection.h) has no acknowledgement, so delivery is judged by time
// and the connection's health; RELP acknowledges each message; HTTP(S) batches are
// acknowledged by a 2xx answer. The HTTP
// bodies SIEMs take: a JSON array, Splunk's HTTP Event Collector (one event object per
// record, `Authorization: Splunk TOKEN`), or Elasticsearch's bulk API (an index action
// and the document per record, NDJSON); optionally gzip'd, with a bearer token, in TLS
// pinned to a CA, with a client certificate.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/syslog_connection.h"
#include "common/result.h"

namespace riposte {

// One record ready to go: the JSON to send (the record's own line, or its rendering) and
// what a syslog header names.
struct ShipItem {
  uint64_t seq = 0;
  std::string json;
  std::string kind, host, time;
};

enum class HttpBody { kJson, kSplunkHec, kElasticBulk };

struct HttpTarget {
  std::string url;  // http:// or https://, with the path
  HttpBody body = HttpBody::kJson;
  std::string token;  // "": none; Bearer, or Splunk for HEC
  bool gzip = false;
  std::string tls_ca, tls_cert, tls_key;  // https: the CA the server must chain to ("": the system's)
};

// "json", "splunk_hec", "elastic_bulk".
std::optional<HttpBody> HttpBodyNamed(std::string_view name);
// The request body for `batch`.
std::string HttpBatchBody(const std::vector<ShipItem>& batch, HttpBody body);

class ShipChannel {
 public:
  virtual ~ShipChannel() = default;
  // Ok: written (syslog), or acknowledged by the collector (HTTP).
  virtual Status Send(const std::vector<ShipItem>& batch) = 0;
  // Whether an ok Send means the collector has the records.
  virtual bool acknowledges() const = 0;
  // False once the collector is known gone (syslog: it closed or reset the connection).
  virtual bool Healthy() = 0;
};

Result<std::unique_ptr<ShipChannel>> OpenSyslogChannel(const SyslogTarget& target, int timeout_ms);
// RELP (rsyslog's Reliable Event Logging Protocol) over the same TCP or TLS connection:
// each syslog message is answered "200 OK" by the collector once it has taken it, so a
// batch is delivered when every message of it is acknowledged.
Result<std::unique_ptr<ShipChannel>> OpenRelpChannel(const SyslogTarget& target, int timeout_ms);
Result<std::unique_ptr<ShipChannel>> OpenHttpChannel(const HttpTarget& target, int timeout_ms);

}  // namespace riposte
