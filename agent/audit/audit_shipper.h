// Ships the audit trail off the node to a syslog collector or an HTTP(S) endpoint
// (ship_channel.h), at least once: a record is
// sent again until it is known delivered, across collector restarts, network failures and
// agent restarts. The trail's own files are the spool (audit_follower.h), so what the
// shipper has not delivered is bounded by the trail's retention (audit.max_size_mb ×
// (audit.keep + 1)); records rotated away before delivery are counted as lost. The cursor
// — the last delivered seq — is kept in FILE.ship-NAME, written atomically.
//
// Delivered: an HTTP batch when the endpoint answered 2xx. Syslog over TCP has no
// acknowledgement, so a record counts as delivered once
// it was written to the connection at least `ack_delay` ago and the collector has not
// closed or reset the connection since (a collector killed with records unread resets
// it). After any failure the shipper reconnects with backoff and sends everything after
// the cursor again: a collector may see a record twice, never miss one it was sent on a
// connection that then failed. Shipping runs on its own thread: the response path never
// waits on it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "audit/record_formats.h"
#include "audit/ship_channel.h"
#include "audit/syslog_connection.h"
#include "common/result.h"

namespace riposte {

struct ShipTarget {
  std::string name;  // [a-z0-9_-], names the cursor file and the metrics
  SyslogTarget syslog;       // used when http.url is empty
  bool relp = false;         // syslog messages in RELP (acknowledged), not plain TCP
  HttpTarget http;
  // riposte: the records as they are (a collector's copy verifies); ocsf, ecs: rendered
  // (record_formats.h; OCSF renders action results only, the others are not sent).
  RecordFormat format = RecordFormat::kRiposte;
  std::string product_version;  // for the renderings' metadata
};

struct ShipperOptions {
  std::string audit_path;
  int keep = 10;
  std::chrono::milliseconds ack_delay{1000};
  std::chrono::milliseconds connect_timeout{3000};
};

struct ShipperStatus {
  std::string name;
  uint64_t acked_seq = 0;   // the last record known delivered
  uint64_t sent_seq = 0;    // the last record written to the connection
  uint64_t failures = 0;    // connections that failed (refused, reset, TLS refused)
  uint64_t resent = 0;      // records sent again after a failure
  bool connected = false;
  std::string last_error;
};

class AuditShipper {
 public:
  static Result<std::unique_ptr<AuditShipper>> Start(ShipTarget target, ShipperOptions options);
  // Stops after a last pass: what the trail holds now is sent and, if the collector is
  // there, acknowledged (bounded to a few seconds).
  ~AuditShipper();
  AuditShipper(const AuditShipper&) = delete;
  AuditShipper& operator=(const AuditShipper&) = delete;

  ShipperStatus status() const;
  static std::string CursorPath(const std::string& audit_path, const std::string& name) {
    return audit_path + ".ship-" + name;
  }

 private:
  AuditShipper(ShipTarget target, ShipperOptions options, uint64_t acked);
  void Loop();
  // One pass: sends what is new, acknowledges what is due. False when the connection failed.
  bool Pass(class ShipSession& session, bool final_pass);
  void SaveCursor(uint64_t seq);
  void Fail(const std::string& error);

  ShipTarget target_;
  ShipperOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  ShipperStatus status_;
  uint64_t saved_seq_ = 0;
  std::thread thread_;
};

}  // namespace riposte
