#include "metrics/ops_server.h"

#include <fmt/format.h>

namespace riposte {

HttpResponse OpsResponse(const HttpRequest& req, const AgentMetrics& metrics, std::chrono::seconds stall_limit) {
  if (req.method != "GET" && req.method != "HEAD") return {405, "text/plain", "only GET\n", {}};
  if (req.path == "/healthz") {
    const auto since = std::chrono::duration_cast<std::chrono::milliseconds>(metrics.SinceHeartbeat());
    if (since > stall_limit) return {503, "text/plain", fmt::format("capture loop stalled for {} ms\n", since.count()), {}};
    return {200, "text/plain", "ok\n", {}};
  }
  if (req.path == "/readyz") {
    std::string reason;
    if (!metrics.ready(&reason)) return {503, "text/plain", "not ready: " + reason + "\n", {}};
    return {200, "text/plain", "ready\n", {}};
  }
  if (req.path == "/metrics") return {200, "text/plain; version=0.0.4; charset=utf-8", metrics.Render(), {}};
  return {404, "text/plain", "not found\n", {}};
}

Result<std::unique_ptr<OpsServer>> OpsServer::Start(const std::string& listen, const AgentMetrics& metrics,
                                                    std::chrono::seconds stall_limit) {
  if (auto hp = SplitHostPort(listen); !hp) return Error{"ops.listen " + hp.error().message};
  HttpLimits limits;
  limits.workers = 1;
  limits.max_body_bytes = 64 << 10;  // probes and scrapes send no body
  limits.max_connections_per_peer = 8;
  std::unique_ptr<OpsServer> ops(new OpsServer());
  auto server = HttpServer::Start({{HttpListenSpec::Kind::kTcp, listen, nullptr, 0600}}, limits,
                                  [&metrics, stall_limit](const HttpRequest& r) { return OpsResponse(r, metrics, stall_limit); });
  if (!server) return Error{"ops.listen " + server.error().message};
  ops->server_ = std::move(*server);
  return ops;
}

}  // namespace riposte
