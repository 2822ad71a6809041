#include "audit/ship_channel.h"

#include <unistd.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "common/wall_time.h"

namespace riposte {
namespace {

class SyslogChannel : public ShipChannel {
 public:
  explicit SyslogChannel(std::unique_ptr<SyslogConnection> c) : connection_(std::move(c)) {}
  Status Send(const std::vector<ShipItem>& batch) override {
    for (const auto& item : batch)
      if (auto st = connection_->Send(SyslogMessage(item.json, item.kind, item.host, item.time, pid_)); !st) return st;
    return Status::Ok();
  }
  bool acknowledges() const override { return false; }
  bool Healthy() override { return connection_->Healthy(); }

 private:
  std::unique_ptr<SyslogConnection> connection_;
  const int pid_ = getpid();
};

// RELP frames: "TXNR SP COMMAND SP DATALEN [SP DATA] LF"; the collector answers each with
// "TXNR rsp DATALEN 200 OK...". Transaction numbers run from 1.
class RelpChannel : public ShipChannel {
 public:
  explicit RelpChannel(std::unique_ptr<SyslogConnection> c) : connection_(std::move(c)) {}

  Status Open() {
    const std::string offer = "relp_version=0\nrelp_software=riposte\ncommands=syslog";
    if (auto st = connection_->SendRaw(Frame("open", offer)); !st) return st;
    return AwaitAnswers(1);
  }
  Status Send(const std::vector<ShipItem>& batch) override {
    std::string frames;
    for (const auto& item : batch) frames += Frame("syslog", SyslogMessage(item.json, item.kind, item.host, item.time, pid_));
    if (auto st = connection_->SendRaw(frames); !st) return st;
    return AwaitAnswers(batch.size());
  }
  bool acknowledges() const override { return true; }
  bool Healthy() override { return true; }

 private:
  std::string Frame(const char* command, const std::string& data) {
    if (++txnr_ > 999999999) txnr_ = 1;
    return std::to_string(txnr_) + " " + command + " " + std::to_string(data.size()) + (data.empty() ? "" : " ") + data +
           "\n";
  }
  // Reads `count` answers; each must be "rsp" with status 200.
  Status AwaitAnswers(size_t count) {
    while (count > 0) {
      // A whole frame: "TXNR rsp LEN DATA\n", DATA being LEN bytes.
      size_t header_end = buffer_.find(' ');
      size_t second = header_end == std::string::npos ? std::string::npos : buffer_.find(' ', header_end + 1);
      size_t third = second == std::string::npos ? std::string::npos : buffer_.find_first_of(" \n", second + 1);
      if (third != std::string::npos) {
        const std::string command = buffer_.substr(header_end + 1, second - header_end - 1);
        size_t len = 0;
        try {
          len = std::stoul(buffer_.substr(second + 1, third - second - 1));
        } catch (const std::exception&) {
          return Error{"RELP: a malformed answer", ErrorKind::kUnavailable};
        }
        if (len > (1u << 20)) return Error{"RELP: an answer too long", ErrorKind::kUnavailable};
        const size_t data_at = buffer_[third] == ' ' ? third + 1 : third;
        if (buffer_.size() >= data_at + len + 1) {
          const std::string data = buffer_.substr(data_at, len);
          buffer_.erase(0, data_at + len + 1);
          if (command == "serverclose") return Error{"RELP: the collector is closing", ErrorKind::kUnavailable};
          if (command != "rsp" || data.rfind("200", 0) != 0)
            return Error{"RELP: the collector answered '" + data.substr(0, 80) + "'", ErrorKind::kUnavailable};
          --count;
          continue;
        }
      }
      auto more = connection_->Receive();
      if (!more) return more.error();
      buffer_ += *more;
      if (buffer_.size() > (2u << 20)) return Error{"RELP: answers too long", ErrorKind::kUnavailable};
    }
    return Status::Ok();
  }

  std::unique_ptr<SyslogConnection> connection_;
  uint64_t txnr_ = 0;
  std::string buffer_;
  const int pid_ = getpid();
};

class HttpChannel : public ShipChannel {
 public:
  HttpChannel(const HttpTarget& t, std::string origin, std::string path, int timeout_ms)
      : target_(t), path_(std::move(path)) {
    const bool tls = origin.rfind("https://", 0) == 0;
    client_ = !t.tls_cert.empty() ? std::make_unique<httplib::Client>(origin, t.tls_cert, t.tls_key)
                                  : std::make_unique<httplib::Client>(origin);
    client_->set_connection_timeout(std::chrono::milliseconds(timeout_ms));
    client_->set_read_timeout(std::chrono::milliseconds(timeout_ms * 3));
    client_->set_write_timeout(std::chrono::milliseconds(timeout_ms * 3));
    client_->set_compress(t.gzip);
    client_->set_keep_alive(true);
    if (tls) {
      client_->enable_server_certificate_verification(true);
      if (!t.tls_ca.empty()) client_->set_ca_cert_path(t.tls_ca.c_str());
    }
  }
  Status Send(const std::vector<ShipItem>& batch) override {
    httplib::Headers headers;
    if (!target_.token.empty())
      headers.emplace("Authorization", (target_.body == HttpBody::kSplunkHec ? "Splunk " : "Bearer ") + target_.token);
    const char* type = target_.body == HttpBody::kJson ? "application/json" : "application/x-ndjson";
    auto res = client_->Post(path_, headers, HttpBatchBody(batch, target_.body), type);
    if (!res) return Error{"HTTP " + httplib::to_string(res.error()), ErrorKind::kUnavailable};
    if (res->status < 200 || res->status >= 300)
      return Error{"HTTP " + std::to_string(res->status) + " from the collector", ErrorKind::kUnavailable};
    // Elasticsearch answers 200 to a bulk request whose items failed, and says so inside.
    if (target_.body == HttpBody::kElasticBulk) {
      auto j = nlohmann::json::parse(res->body, nullptr, false);
      if (j.is_object() && j.contains("errors") && j["errors"].is_boolean() && j["errors"].get<bool>())
        return Error{"the bulk request was answered with errors", ErrorKind::kUnavailable};
    }
    return Status::Ok();
  }
  bool acknowledges() const override { return true; }
  bool Healthy() override { return true; }

 private:
  HttpTarget target_;
  std::string path_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace

std::optional<HttpBody> HttpBodyNamed(std::string_view name) {
  if (name == "json") return HttpBody::kJson;
  if (name == "splunk_hec") return HttpBody::kSplunkHec;
  if (name == "elastic_bulk") return HttpBody::kElasticBulk;
  return std::nullopt;
}

std::string HttpBatchBody(const std::vector<ShipItem>& batch, HttpBody body) {
  std::string out;
  switch (body) {
    case HttpBody::kJson:
      out = "[";
      for (size_t i = 0; i < batch.size(); ++i) out += (i ? "," : "") + batch[i].json;
      out += "]";
      break;
    case HttpBody::kSplunkHec:
      // HEC's event endpoint takes event objects one after another.
      for (const auto& item : batch) {
        const auto ns = ParseRfc3339(item.time);
        char time[32] = "null";
        if (ns) std::snprintf(time, sizeof time, "%lld.%03lld", static_cast<long long>(*ns / 1000000000),
                              static_cast<long long>(*ns / 1000000 % 1000));
        out += std::string("{\"time\":") + time + ",\"host\":" + nlohmann::json(item.host).dump() +
               ",\"source\":\"riposte\",\"sourcetype\":\"riposte:audit\",\"event\":" + item.json + "}\n";
      }
      break;
    case HttpBody::kElasticBulk:
      for (const auto& item : batch) out += "{\"create\":{}}\n" + item.json + "\n";
      break;
  }
  return out;
}

Result<std::unique_ptr<ShipChannel>> OpenSyslogChannel(const SyslogTarget& target, int timeout_ms) {
  auto c = SyslogConnection::Connect(target, timeout_ms);
  if (!c) return c.error();
  return std::unique_ptr<ShipChannel>(new SyslogChannel(std::move(*c)));
}

Result<std::unique_ptr<ShipChannel>> OpenRelpChannel(const SyslogTarget& target, int timeout_ms) {
  auto c = SyslogConnection::Connect(target, timeout_ms);
  if (!c) return c.error();
  auto relp = std::make_unique<RelpChannel>(std::move(*c));
  if (auto st = relp->Open(); !st) return st.error();
  return std::unique_ptr<ShipChannel>(std::move(relp));
}

Result<std::unique_ptr<ShipChannel>> OpenHttpChannel(const HttpTarget& target, int timeout_ms) {
  const bool https = target.url.rfind("https://", 0) == 0;
  if (!https && target.url.rfind("http://", 0) != 0) return Error{"audit.ship url '" + target.url + "': http:// or https://"};
  const size_t path_at = target.url.find('/', https ? 8 : 7);
  const std::string origin = target.url.substr(0, path_at);
  const std::string path = path_at == std::string::npos ? "/" : target.url.substr(path_at);
  return std::unique_ptr<ShipChannel>(new HttpChannel(target, origin, path, timeout_ms));
}

}  // namespace riposte
