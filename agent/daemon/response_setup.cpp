#include "daemon/response_setup.h"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "common/host_name.h"
#include "common/safe_file.h"
#include "common/duration_text.h"
#include "policy/policy_reader.h"
#include "responders/default_responders.h"
#include "responders/network_quarantine.h"
#include "version.h"

namespace riposte {
namespace {

// Quarantines outlive the agent: at start it says which are in force, so none is ever
// forgotten (`riposte quarantine list` shows the same).
void LogQuarantinesInForce(const QuarantineStore& store) {
  auto records = store.Load();
  if (!records) {
    spdlog::error("quarantine records: {}", records.error().message);
    return;
  }
  for (const auto& q : *records) {
    const std::string state = CheckQuarantine(q).Advice();
    spdlog::warn("quarantine {}: container {} {} since {} by {}: {}", q.id(), q.container_name.empty() ? q.container_id : q.container_name,
                 q.pod.empty() ? "" : "(pod " + q.pod + ")", q.since, q.policy, state);
  }
}

}  // namespace

AuditLogOptions AuditLogOptionsFor(const AgentConfig& config, const std::string& path) {
  AuditLogOptions o;
  o.path = path.empty() ? config.audit_log : path;
  o.host = HostName();
  o.max_bytes = config.audit_max_bytes;
  o.keep = config.audit_keep;
  o.heartbeat = std::chrono::seconds(config.audit_heartbeat_s);
  return o;
}

Result<std::vector<std::unique_ptr<AuditShipper>>> StartAuditShipping(const AgentConfig& config,
                                                                      const AuditLogOptions& audit) {
  std::vector<std::unique_ptr<AuditShipper>> out;
  for (const auto& c : config.audit_ship) {
    ShipTarget target;
    target.name = c.name;
    target.product_version = kVersion;
    auto format = RecordFormatNamed(c.format);
    if (!format) return Error{"audit.ship " + c.name + ": format '" + c.format + "' is not riposte, ocsf or ecs"};
    target.format = *format;
    bool encrypted = false;
    if (!c.url.empty()) {
      target.http.url = c.url;
      target.http.body = HttpBodyNamed(c.body).value_or(HttpBody::kJson);
      target.http.gzip = c.gzip;
      target.http.tls_ca = c.tls_ca;
      target.http.tls_cert = c.tls_cert;
      target.http.tls_key = c.tls_key;
      if (!c.token_file.empty()) {
        auto fd = OpenFileForReading(c.token_file);
        if (!fd) return Error{"audit.ship " + c.name + ": token_file: " + fd.error().message};
        char buf[4096];
        const ssize_t n = read(fd->get(), buf, sizeof buf);
        std::string token(buf, n > 0 ? static_cast<size_t>(n) : 0);
        token = token.substr(0, token.find_first_of("\r\n"));
        if (token.empty()) return Error{"audit.ship " + c.name + ": token_file " + c.token_file + " is empty"};
        target.http.token = token;
      }
      encrypted = c.url.rfind("https://", 0) == 0;
    } else {
      auto address = ParseSyslogAddress(c.address);
      if (!address) return Error{"audit.ship " + c.name + ": " + address.error().message};
      address->tls_ca = c.tls_ca;
      address->tls_cert = c.tls_cert;
      address->tls_key = c.tls_key;
      address->tls_server_name = c.tls_server_name;
      target.syslog = *address;
      target.relp = c.protocol == "relp";
      encrypted = !c.tls_ca.empty();
    }
    ShipperOptions options;
    options.audit_path = audit.path;
    options.keep = audit.keep;
    auto shipper = AuditShipper::Start(target, options);
    if (!shipper) return shipper.error();
    spdlog::info("audit shipping {}: {} {}, {} records (from seq {})", c.name,
                 c.url.empty() ? fmt::format("{} over {} to", c.protocol, encrypted ? "TLS" : "plain TCP") : std::string("HTTP batches to"),
                 c.url.empty() ? c.address : c.url, c.format, (*shipper)->status().acked_seq + 1);
    if (!encrypted) spdlog::warn("audit shipping {}: not encrypted: use TLS off a test network", c.name);
    out.push_back(std::move(*shipper));
  }
  return out;
}

Result<std::shared_ptr<const PolicySet>> LoadPolicySet(const std::vector<std::string>& paths,
                                                       const ActionCatalog& catalog) {
  auto loaded = LoadPolicies(paths, catalog);
  for (const auto& m : loaded.messages) {
    if (m.severity == Severity::kError) spdlog::error("{}", m.ToString());
    else if (m.severity == Severity::kWarning) spdlog::warn("{}", m.ToString());
    else spdlog::info("{}", m.ToString());
  }
  if (!loaded.ok()) return Error{"the policies did not load; fix the errors above"};
  size_t dry = 0;
  for (const auto& p : loaded.set->policies) dry += p.mode == PolicyMode::kDryRun;
  spdlog::info("policies loaded: {} files, {} policies ({} dry-run)", loaded.set->files.size(),
               loaded.set->policies.size(), dry);
  return loaded.set;
}

Result<std::unique_ptr<Response>> SetUpResponse(const ResponseRequest& flags, const AgentConfig& config,
                                                ResponseEngine::BreakerHook on_breaker, ContainerDirectory* containers,
                                                FlightRecorder* recorder) {
  auto r = std::make_unique<Response>();
  r->policy_paths = flags.policies.empty() ? config.policies : flags.policies;
  if (r->policy_paths.empty()) return std::unique_ptr<Response>();
  r->force_dry_run = flags.dry_run || config.dry_run;
  r->quarantines = std::make_unique<QuarantineStore>(config.quarantine_state);
  LogQuarantinesInForce(*r->quarantines);
  r->responders = MakeDefaultResponders({config.containerd_namespaces, containers, r->quarantines.get(),
                                         config.seccomp_profile_dir, config.evidence_dir, recorder});
  auto policies = LoadPolicySet(r->policy_paths, *r->responders);
  if (!policies) return policies.error();

  const AuditLogOptions audit = AuditLogOptionsFor(config, flags.audit_log);
  auto log = AuditLog::Open(audit);
  if (!log) return log.error();
  r->audit = std::move(*log);
  spdlog::info("audit log: {} (continuing at seq {}{})", audit.path, r->audit->last_seq() + 1,
               r->audit->sealed() ? ", sealed" : "");
  auto shippers = StartAuditShipping(config, audit);
  if (!shippers) return shippers.error();
  r->shippers = std::move(*shippers);

  ResponseOptions options;
  options.force_dry_run = r->force_dry_run;
  options.protection = config.protection;
  options.breaker_max_per_minute = config.breaker_max_actions_per_minute;
  auto cooldown = ParseDuration(config.breaker_cooldown);
  if (!cooldown) return Error{"circuit_breaker.cooldown '" + config.breaker_cooldown + "' is not a duration"};
  options.breaker_cooldown = *cooldown;
  r->engine = std::make_unique<ResponseEngine>(*policies, *r->responders, *r->audit, options, std::move(on_breaker));
  const ProtectedExecutables& exes = r->engine->protection().executables();
  spdlog::info("protected executables: {} found, by identity in {} mount namespace{}",
               exes.Identities().size(), exes.host().source,
               exes.missing().empty() ? "" : fmt::format(" ({} configured paths absent here)", exes.missing().size()));
  if (r->force_dry_run) spdlog::warn("dry-run forced: every policy only records what it would do");
  return r;
}

ContainerDirectoryOptions ContainerDirectoryOptionsFor(const AgentConfig& config) {
  ContainerDirectoryOptions o;
  o.containerd_socket = config.containerd_socket;
  o.cri_socket = config.cri_socket;
  o.namespaces = config.containerd_namespaces;
  o.docker_socket = config.docker_socket;
  o.podman_socket = config.podman_socket;
  return o;
}

std::unique_ptr<ContainerDirectory> StartContainerDirectory(const AgentConfig& config) {
  if (!config.containers_enabled) {
    spdlog::info("containers: disabled by configuration; container ids from cgroups only");
    return nullptr;
  }
  auto directory = std::make_unique<ContainerDirectory>(ContainerDirectoryOptionsFor(config));
  if (Status s = directory->Start(); !s)
    spdlog::warn("containers: {}; container metadata and container responders retry in the background",
                 s.error().message);
  return directory;
}

}  // namespace riposte
