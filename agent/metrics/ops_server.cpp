#include "metrics/ops_server.h"

#include "common/exclusive_listen.h"

#include <fmt/format.h>

namespace riposte {

Result<std::unique_ptr<OpsServer>> OpsServer::Start(const std::string& listen, const AgentMetrics& metrics,
                                                    std::chrono::seconds stall_limit) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size())
    return Error{"ops.listen '" + listen + "' is not HOST:PORT"};
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  char* end = nullptr;
  const long port = std::strtol(listen.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port < 0 || port > 65535) return Error{"ops.listen '" + listen + "': bad port"};

  std::unique_ptr<OpsServer> ops(new OpsServer());
  ops->server_ = std::make_unique<httplib::Server>();
  httplib::Server& s = *ops->server_;
  BindExclusively(s);
  s.Get("/healthz", [&metrics, stall_limit](const httplib::Request&, httplib::Response& res) {
    const auto since = std::chrono::duration_cast<std::chrono::milliseconds>(metrics.SinceHeartbeat());
    if (since > stall_limit) {
      res.status = 503;
      res.set_content(fmt::format("capture loop stalled for {} ms\n", since.count()), "text/plain");
      return;
    }
    res.set_content("ok\n", "text/plain");
  });
  s.Get("/readyz", [&metrics](const httplib::Request&, httplib::Response& res) {
    std::string reason;
    if (!metrics.ready(&reason)) {
      res.status = 503;
      res.set_content("not ready: " + reason + "\n", "text/plain");
      return;
    }
    res.set_content("ready\n", "text/plain");
  });
  s.Get("/metrics", [&metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  if (port == 0) {
    ops->port_ = s.bind_to_any_port(host);
    if (ops->port_ <= 0) return Error{"ops.listen " + listen + ": cannot bind"};
  } else {
    if (!s.bind_to_port(host, static_cast<int>(port)))
      return Error{"ops.listen " + listen + ": cannot bind (address in use, or not an address of this host)"};
    ops->port_ = static_cast<int>(port);
  }
  ops->thread_ = std::thread([&s] { s.listen_after_bind(); });
  return ops;
}

OpsServer::~OpsServer() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace riposte
