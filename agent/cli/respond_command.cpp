// `riposte respond`: riposte as the response engine of an existing Falco
// (daemon/respond_agent.h). This file only turns flags into a request.
#include "cli/agent_flags.h"
#include "cli/commands.h"
#include "cli/config_loading.h"
#include "daemon/respond_agent.h"

namespace riposte {

void RegisterRespondCommand(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<RespondRequest>();
  CLI::App* cmd = app.add_subcommand("respond", "Answer Falco's alerts: accept Falco-format alert JSON from authenticated senders, run the policies");
  AddVersionFlag(*cmd);
  AddResponseFlags(*cmd, args->response);
  cmd->add_option("--socket", args->socket, "unix socket for local senders, checked by peer uid (default /run/riposte/respond.sock; 'none': off)");
  cmd->add_option("--listen", args->listen, "also HOST:PORT over TCP; needs --token-file or --tls-client-ca");
  cmd->add_option("--token-file", args->token_file, "bearer tokens TCP senders must present (one 'ID TOKEN' a line, mode 0600)");
  cmd->add_option("--tls-cert", args->tls_cert, "TLS certificate chain (PEM) for --listen");
  cmd->add_option("--tls-key", args->tls_key, "TLS private key (PEM) for --listen");
  cmd->add_option("--tls-client-ca", args->tls_client_ca, "CA (PEM) whose client certificates are accepted (mutual TLS)");
  cmd->callback([args, &global] {
    auto config = LoadAgentProcessConfig(global);
    int rc = config ? RunRespondAgent(*config, *args) : 2;
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace riposte
