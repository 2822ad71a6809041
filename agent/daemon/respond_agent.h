// `riposte respond` as a running service: riposte as the response engine of an existing
// Falco. Accepts Falco-format alert JSON by HTTP POST from authenticated senders only (a
// unix socket by default; TCP with a bearer token or mutual TLS: docs/security.md), runs
// the policies, audits (naming the sender), answers with what was done, reloads the
// policies on SIGHUP (a bad set is refused and the running one stays).
#pragma once

#include <string>

#include "config/agent_config.h"
#include "daemon/response_setup.h"

namespace riposte {

// What the operator asked `respond` for; empty parts fall back to the configuration.
struct RespondRequest {
  ResponseRequest response;
  std::string listen, socket, token_file, tls_cert, tls_key, tls_client_ca;
};

// Serves until SIGINT or SIGTERM: the process's exit code. The agent's signals must
// already be taken over (common/agent_signals.h): they are waited for here.
int RunRespondAgent(const AgentConfig& config, const RespondRequest& request);

}  // namespace riposte
