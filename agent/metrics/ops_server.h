// The operations endpoints, on their own thread: /healthz (the capture loop is coming
// round), /readyz (BPF programs attached and rules loaded) and /metrics (Prometheus
// text). Started after the listening socket is bound, so a port already taken is an
// error at start-up, not a silent absence; stopped and joined on destruction.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "common/result.h"
#include "metrics/agent_metrics.h"

namespace httplib {
class Server;
}

namespace riposte {

class OpsServer {
 public:
  // listen: HOST:PORT (port 0: any free port, see port()).
  static Result<std::unique_ptr<OpsServer>> Start(const std::string& listen, const AgentMetrics& metrics,
                                                  std::chrono::seconds stall_limit = std::chrono::seconds(10));
  ~OpsServer();
  OpsServer(const OpsServer&) = delete;
  OpsServer& operator=(const OpsServer&) = delete;

  int port() const { return port_; }

 private:
  OpsServer() = default;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace riposte
