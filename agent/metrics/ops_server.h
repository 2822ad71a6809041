// The operations endpoints, on a server of their own (http/http_server.h): /healthz (the
// capture loop is coming round), /readyz (BPF programs attached and rules loaded) and
// /metrics (Prometheus text). Its own event loop and handler thread, so a flood on
// `respond`'s listener (or idle connections from a pod on this port) cannot starve the
// probes. Bound at start, so a port already taken is an error at start-up, not a silent
// absence; stopped and joined on destruction.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/result.h"
#include "http/http_server.h"
#include "metrics/agent_metrics.h"

namespace riposte {

class OpsServer {
 public:
  // listen: HOST:PORT (port 0: any free port, see port()).
  static Result<std::unique_ptr<OpsServer>> Start(const std::string& listen, const AgentMetrics& metrics,
                                                  std::chrono::seconds stall_limit = std::chrono::seconds(10));

  int port() const { return server_->port(0); }

 private:
  OpsServer() = default;
  std::unique_ptr<HttpServer> server_;
};

// The answers, without a server (for `respond`, which has no capture loop: /healthz only).
HttpResponse OpsResponse(const HttpRequest& request, const AgentMetrics& metrics, std::chrono::seconds stall_limit);

}  // namespace riposte
