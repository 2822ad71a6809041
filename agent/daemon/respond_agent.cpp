#include "daemon/respond_agent.h"

#include <signal.h>
#include <unistd.h>

#include <mutex>

#include <spdlog/spdlog.h>

#include "audit/audit_records.h"
#include "common/agent_signals.h"
#include "http/http_server.h"
#include "intake/alert_intake.h"

namespace riposte {
namespace {

// The listeners and sender policy the flags and configuration ask for, or why not.
Result<std::vector<HttpListenSpec>> Listeners(const RespondRequest& a, const AgentConfig& c, SenderPolicy& senders) {
  auto pick = [](const std::string& flag, const std::string& conf) { return flag.empty() ? conf : flag; };
  const std::string listen = pick(a.listen, c.respond_listen);
  const std::string socket = pick(a.socket, c.respond_socket);
  const std::string token_file = pick(a.token_file, c.respond_token_file);
  TlsServerOptions tls{pick(a.tls_cert, c.respond_tls_cert), pick(a.tls_key, c.respond_tls_key),
                       pick(a.tls_client_ca, c.respond_tls_client_ca)};
  senders.socket_uids.assign(c.respond_socket_uids.begin(), c.respond_socket_uids.end());
  if (!token_file.empty()) {
    auto tokens = LoadTokenFile(token_file);
    if (!tokens) return tokens.error();
    senders.tokens = std::move(*tokens);
  }
  std::vector<HttpListenSpec> out;
  if (!socket.empty() && socket != "none") out.push_back({HttpListenSpec::Kind::kUnix, socket, nullptr, 0600});
  if (!listen.empty()) {
    std::shared_ptr<TlsServerContext> ctx;
    if (!tls.cert_file.empty() || !tls.key_file.empty() || !tls.client_ca_file.empty()) {
      auto made = TlsServerContext::Create(tls);
      if (!made) return made.error();
      ctx = *made;
    }
    if (senders.tokens.empty() && !(ctx && ctx->verifies_clients()))
      return Error{"--listen " + listen + " would let anyone who can reach it make riposte act: give --token-file "
                   "(bearer tokens) or --tls-client-ca (mutual TLS), or use the unix socket"};
    out.push_back({HttpListenSpec::Kind::kTcp, listen, ctx, 0600});
  }
  if (out.empty()) return Error{"nothing to listen on: give --socket PATH or --listen HOST:PORT"};
  return out;
}

}  // namespace

int RunRespondAgent(const AgentConfig& config, const RespondRequest& args) {
  IntakeOptions intake_options;
  auto listeners = Listeners(args, config, intake_options.senders);
  if (!listeners) {
    spdlog::error("respond: {}", listeners.error().message);
    return 2;
  }
  auto containers = StartContainerDirectory(config);
  auto response = SetUpResponse(args.response, config, {}, containers.get());
  if (!response) {
    spdlog::error("{}", response.error().message);
    return 2;
  }
  if (!*response) {
    spdlog::error("no policies: pass --policies FILE|DIR (or set `policies:` in the configuration)");
    return 2;
  }
  Response& r = **response;
  intake_options.alerts_per_second = config.respond_alerts_per_second;
  intake_options.burst = config.respond_burst;
  intake_options.id_prefix = "respond-" + std::to_string(getpid()) + "-";
  std::mutex engine_mu;  // the engine answers one alert at a time
  AlertIntake intake(intake_options, [&](const AlertFacts& alert) {
    AlertFacts facts = alert;
    CompleteAlertTarget(containers.get(), facts);
    std::lock_guard lock(engine_mu);
    return r.engine->Handle(facts);
  });
  HttpLimits limits;
  limits.workers = 2;
  auto server = HttpServer::Start(*listeners, limits, [&](const HttpRequest& req) { return intake.Handle(req); });
  if (!server) {
    spdlog::error("respond: {}", server.error().message);
    return 1;
  }
  nlohmann::ordered_json where = nlohmann::ordered_json::array();
  for (size_t i = 0; i < listeners->size(); ++i) {
    const auto& l = (*listeners)[i];
    const std::string auth = l.kind == HttpListenSpec::Kind::kUnix ? "peer uid"
                             : l.tls && l.tls->verifies_clients() ? (intake_options.senders.tokens.empty() ? "mutual TLS" : "mutual TLS + token")
                                                                  : "bearer token";
    spdlog::info("riposte respond: accepting Falco alerts on {}{} ({})", l.kind == HttpListenSpec::Kind::kUnix ? "unix:" : l.tls ? "https://" : "http://",
                 l.address, auth);
    where.push_back({{"address", l.address}, {"auth", auth}});
  }
  AgentStartRecord start;
  start.mode = "respond";
  start.listen = where;
  (void)r.audit->Append(ToJson(start));
  const sigset_t set = AgentSignals();
  while (true) {
    // Woken each second to seal an epoch that has ended (sealed trails, audit_log.h).
    const timespec second{1, 0};
    const int sig = sigtimedwait(&set, nullptr, &second);
    if (sig < 0) {
      if (auto st = r.audit->Tick(); !st) spdlog::error("audit log: {}", st.error().message);
      continue;
    }
    if (sig != SIGHUP) break;
    auto policies = LoadPolicySet(r.policy_paths, *r.responders);
    if (!policies) {
      spdlog::error("reload refused: {}; the previous policies stay active", policies.error().message);
      (void)r.audit->Append(ToJson(ReloadRecord{"refused", std::nullopt, policies.error().message, std::nullopt}));
      continue;
    }
    r.engine->SetPolicies(*policies);
    (void)r.audit->Append(ToJson(ReloadRecord{"done", "SIGHUP", std::nullopt, std::nullopt}));
  }
  server->reset();
  (void)r.audit->Append(ToJson(AgentStopRecord{"respond", intake.accepted(), std::nullopt}));
  return 0;
}

}  // namespace riposte
