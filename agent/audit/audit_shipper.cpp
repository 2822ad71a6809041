#include "audit/audit_shipper.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <deque>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "audit/audit_follower.h"
#include "common/atomic_file.h"
#include "common/siem_schema.h"
#include "common/safe_file.h"

namespace riposte {

// A channel and what was written to it since it opened, not yet known delivered.
class ShipSession {
 public:
  ShipSession(std::unique_ptr<ShipChannel> channel, const ShipperOptions& options, uint64_t acked)
      : channel(std::move(channel)), follower(options.audit_path, options.keep, acked) {}
  struct Sent {
    uint64_t seq;
    std::chrono::steady_clock::time_point at;
  };
  std::unique_ptr<ShipChannel> channel;
  AuditFollower follower;
  std::deque<Sent> in_flight;
};

namespace {

uint64_t ReadCursor(const std::string& path) {
  auto fd = OpenFileForReading(path);
  if (!fd) return 0;
  char buf[256] = {};
  const ssize_t n = read(fd->get(), buf, sizeof buf - 1);
  auto j = nlohmann::json::parse(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("acked_seq") || !j["acked_seq"].is_number_unsigned()) return 0;
  return j["acked_seq"].get<uint64_t>();
}

}  // namespace

Result<std::unique_ptr<AuditShipper>> AuditShipper::Start(ShipTarget target, ShipperOptions options) {
  if (target.name.empty() || target.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
    return Error{"audit.ship: a target's name is lower-case letters, digits, '_' and '-'"};
  const uint64_t acked = ReadCursor(CursorPath(options.audit_path, target.name));
  std::unique_ptr<AuditShipper> s(new AuditShipper(std::move(target), std::move(options), acked));
  s->thread_ = std::thread([p = s.get()] { p->Loop(); });
  return s;
}

AuditShipper::AuditShipper(ShipTarget target, ShipperOptions options, uint64_t acked)
    : target_(std::move(target)), options_(std::move(options)), saved_seq_(acked) {
  status_.name = target_.name;
  status_.acked_seq = acked;
  status_.sent_seq = acked;
}

AuditShipper::~AuditShipper() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

ShipperStatus AuditShipper::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

void AuditShipper::SaveCursor(uint64_t seq) {
  if (seq == saved_seq_) return;
  const std::string text = nlohmann::json{{"acked_seq", seq}}.dump() + "\n";
  if (auto st = WriteFileAtomically(CursorPath(options_.audit_path, target_.name), text); !st)
    spdlog::warn("audit shipping {}: cannot save the cursor: {}", target_.name, st.error().message);
  else saved_seq_ = seq;
}

void AuditShipper::Fail(const std::string& error) {
  std::lock_guard lock(mu_);
  ++status_.failures;
  status_.connected = false;
  if (status_.last_error != error) spdlog::warn("audit shipping {}: {}", target_.name, error);
  status_.last_error = error;
}

bool AuditShipper::Pass(ShipSession& session, bool final_pass) {
  constexpr size_t kBatch = 256;
  for (;;) {
    auto lines = session.follower.Next(kBatch);
    if (!lines) {
      Fail(lines.error().message);
      return false;
    }
    std::vector<ShipItem> batch;
    for (const auto& line : *lines) {
      const nlohmann::json& rec = line.record;
      // A record the format has no rendering for goes nowhere, and counts as delivered.
      std::optional<nlohmann::ordered_json> rendered;
      if (target_.format != RecordFormat::kRiposte) {
        rendered = RenderRecord(rec, target_.format, target_.product_version);
        if (!rendered) continue;
      }
      batch.push_back({line.seq,
                       rendered ? rendered->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) : line.text,
                       TextOf(rec, "kind"), TextOf(rec, "host"), TextOf(rec, "time")});
    }
    if (!batch.empty())
      if (auto st = session.channel->Send(batch); !st) {
        Fail(st.error().message);
        return false;
      }
    if (!lines->empty()) {
      const auto now = std::chrono::steady_clock::now();
      // The last seq read stands for the records skipped as unrendered, too.
      session.in_flight.push_back({lines->back().seq, now});
      std::lock_guard lock(mu_);
      status_.sent_seq = lines->back().seq;
    }
    if (lines->size() < kBatch) break;
  }
  // Delivered: acknowledged (HTTP); or written long enough ago on a connection the
  // collector still holds (syslog).
  if (!session.channel->Healthy()) {
    Fail("the collector closed or reset the connection");
    return false;
  }
  const bool acknowledged = session.channel->acknowledges();
  const auto due = std::chrono::steady_clock::now() -
                   (final_pass || acknowledged ? std::chrono::milliseconds(0) : options_.ack_delay);
  uint64_t acked = 0;
  while (!session.in_flight.empty() && session.in_flight.front().at <= due) {
    acked = session.in_flight.front().seq;
    session.in_flight.pop_front();
  }
  if (acked) {
    SaveCursor(acked);
    std::lock_guard lock(mu_);
    status_.acked_seq = acked;
  }
  return true;
}

void AuditShipper::Loop() {
  // A write to a collector that went away raises SIGPIPE in the writing thread, which
  // would end the agent: blocked here, the write fails with EPIPE instead (OpenSSL writes
  // with write(2), which has no MSG_NOSIGNAL), and the pending signal is taken back below.
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
  auto drop_pending_pipe = [&] {
    const timespec zero{0, 0};
    while (sigtimedwait(&pipe, nullptr, &zero) == SIGPIPE) {
    }
  };
  auto backoff = std::chrono::milliseconds(100);
  std::unique_ptr<ShipSession> session;
  for (;;) {
    bool stopping;
    {
      std::lock_guard lock(mu_);
      stopping = stop_;
    }
    if (!session) {
      if (stopping) return;  // no collector: what is unsent stays for the next start
      const int timeout = static_cast<int>(options_.connect_timeout.count());
      auto c = !target_.http.url.empty() ? OpenHttpChannel(target_.http, timeout)
                : target_.relp          ? OpenRelpChannel(target_.syslog, timeout)
                                        : OpenSyslogChannel(target_.syslog, timeout);
      if (!c) {
        Fail(c.error().message);
        std::unique_lock lock(mu_);
        wake_.wait_for(lock, backoff, [&] { return stop_; });
        backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
        continue;
      }
      uint64_t acked;
      {
        std::lock_guard lock(mu_);
        acked = status_.acked_seq;
        if (status_.sent_seq > acked) status_.resent += status_.sent_seq - acked;
        status_.sent_seq = acked;
        status_.connected = true;
        if (!status_.last_error.empty()) spdlog::info("audit shipping {}: connected again", target_.name);
        status_.last_error.clear();
      }
      session = std::make_unique<ShipSession>(std::move(*c), options_, acked);
      backoff = std::chrono::milliseconds(100);
    }
    if (stopping) {
      // A last pass: send what is there, give the collector the ack delay to show it is
      // alive, then count it delivered.
      if (Pass(*session, false) && !session->channel->acknowledges()) {
        std::this_thread::sleep_for(options_.ack_delay);
        (void)Pass(*session, true);
      }
      return;
    }
    if (!Pass(*session, false)) {
      session.reset();
      drop_pending_pipe();
      continue;
    }
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stop_; });
  }
}

}  // namespace riposte
