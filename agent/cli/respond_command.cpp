// `riposte respond --listen ADDR`: riposte as the response engine of an existing Falco.
// Accepts Falco-format alert JSON by HTTP POST (as Falco's http_output or Falcosidekick's
// webhook output send it), runs the policies, audits, and answers with what was done.
// Bad JSON gets 400 and a log line; nothing a client sends stops the server.
#include <signal.h>

#include <atomic>
#include <mutex>
#include <thread>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "common/exclusive_listen.h"
#include "cli/config_loading.h"
#include "cli/response_setup.h"
#include "common/agent_signals.h"

namespace riposte {
namespace {

struct RespondArgs {
  ResponseFlags response;
  std::string listen;
};

nlohmann::ordered_json ReportsJson(const std::vector<StepReport>& reports) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& r : reports) {
    nlohmann::ordered_json j{{"policy", r.policy}, {"step", r.step}, {"action", r.action},
                             {"mode", r.dry_run ? "dry-run" : "enforce"}, {"outcome", OutcomeName(r.outcome)},
                             {"audit_seq", r.audit_seq}};
    if (!r.error.empty()) j["error"] = r.error;
    out.push_back(j);
  }
  return out;
}

int Respond(const RespondArgs& args, const GlobalOptions& global) {
  // Signals are taken by sigwait below: blocked before the server's threads start.
  TakeOverAgentSignals();
  auto config = LoadConfigFor(global);
  if (!config) {
    spdlog::error("{}", config.error().message);
    return 2;
  }
  auto containers = StartContainerDirectory(*config);
  auto response = SetUpResponse(args.response, *config, {}, containers.get());
  if (!response) {
    spdlog::error("{}", response.error().message);
    return 2;
  }
  if (!*response) {
    spdlog::error("no policies: pass --policies FILE|DIR (or set `policies:` in the configuration)");
    return 2;
  }
  Response& r = **response;
  const std::string listen = args.listen.empty() ? config->respond_listen : args.listen;
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    spdlog::error("--listen '{}' is not HOST:PORT", listen);
    return 2;
  }
  const std::string host = listen.substr(0, colon);
  const int port = std::atoi(listen.c_str() + colon + 1);

  const sigset_t set = AgentSignals();

  std::mutex engine_mu;  // the engine answers one alert at a time
  std::atomic<uint64_t> count{0};
  const std::string id_prefix = "respond-" + std::to_string(getpid()) + "-";
  httplib::Server server;
  BindExclusively(server);
  server.set_payload_max_length(4 << 20);
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
  server.Post(R"(/.*)", [&](const httplib::Request& req, httplib::Response& res) {
    auto json = nlohmann::json::parse(req.body, nullptr, false);
    if (json.is_discarded()) {
      spdlog::warn("respond: {} sent a body that is not JSON ({} bytes)", req.remote_addr, req.body.size());
      res.status = 400;
      res.set_content(R"({"error":"the body is not JSON"})", "application/json");
      return;
    }
    auto facts = FactsFromFalcoJson(json, id_prefix + std::to_string(++count));
    if (!facts) {
      spdlog::warn("respond: {} sent an alert riposte cannot use: {}", req.remote_addr, facts.error().message);
      res.status = 400;
      res.set_content(nlohmann::json{{"error", facts.error().message}}.dump(), "application/json");
      return;
    }
    CompleteAlertTarget(containers.get(), *facts);
    std::vector<StepReport> reports;
    {
      std::lock_guard lock(engine_mu);
      reports = r.engine->Handle(*facts);
    }
    res.set_content(nlohmann::ordered_json{{"alert_id", facts->id}, {"actions", ReportsJson(reports)}}.dump(),
                    "application/json");
  });
  if (!server.bind_to_port(host, port)) {
    spdlog::error("cannot listen on {}", listen);
    return 1;
  }
  std::thread serving([&] { server.listen_after_bind(); });
  spdlog::info("riposte respond: accepting Falco alerts on http://{}/", listen);
  (void)r.audit->Append({{"kind", "agent_start"}, {"mode", "respond"}, {"listen", listen}});
  while (true) {
    int sig = 0;
    sigwait(&set, &sig);
    if (sig != SIGHUP) break;
    auto policies = LoadPolicySet(r.policy_paths, *r.responders);
    if (!policies) {
      spdlog::error("reload refused: {}; the previous policies stay active", policies.error().message);
      (void)r.audit->Append({{"kind", "reload"}, {"outcome", "refused"}, {"error", policies.error().message}});
      continue;
    }
    r.engine->SetPolicies(*policies);
    (void)r.audit->Append({{"kind", "reload"}, {"outcome", "done"}, {"trigger", "SIGHUP"}});
  }
  server.stop();
  serving.join();
  (void)r.audit->Append({{"kind", "agent_stop"}, {"mode", "respond"}, {"alerts", count.load()}});
  return 0;
}

}  // namespace

void RegisterRespondCommand(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<RespondArgs>();
  CLI::App* cmd = app.add_subcommand("respond", "Answer Falco's alerts: accept Falco-format alert JSON over HTTP, run the policies");
  AddVersionFlag(*cmd);
  AddResponseFlags(*cmd, args->response);
  cmd->add_option("--listen", args->listen, "HOST:PORT to listen on (default 127.0.0.1:2802)");
  cmd->callback([args, &global] {
    int rc = Respond(*args, global);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace riposte
