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

Result<std::unique_ptr<ShipChannel>> OpenHttpChannel(const HttpTarget& target, int timeout_ms) {
  const bool https = target.url.rfind("https://", 0) == 0;
  if (!https && target.url.rfind("http://", 0) != 0) return Error{"audit.ship url '" + target.url + "': http:// or https://"};
  const size_t path_at = target.url.find('/', https ? 8 : 7);
  const std::string origin = target.url.substr(0, path_at);
  const std::string path = path_at == std::string::npos ? "/" : target.url.substr(path_at);
  return std::unique_ptr<ShipChannel>(new HttpChannel(target, origin, path, timeout_ms));
}

}  // namespace riposte
