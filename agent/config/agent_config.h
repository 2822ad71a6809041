// The agent's configuration: one object, loaded and validated once, passed to each stage.
// Read from a YAML file (default /etc/riposte/riposte.yaml when it exists); command-line
// flags override it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/protection_config.h"
#include "rules/append_output.h"

namespace riposte {

// One collector the audit trail is shipped to (audit/audit_shipper.h).
struct AuditShipConfig {
  std::string name;
  std::string address;  // syslog: HOST:PORT
  std::string protocol = "syslog";  // with address: syslog (RFC 5424 over TCP/TLS) or relp
  std::string url;      // or HTTP(S): the endpoint
  std::string body = "json";  // HTTP: json, splunk_hec, elastic_bulk
  std::string token_file;     // HTTP: the token (Bearer, or Splunk for HEC), first line of this file
  bool gzip = false;          // HTTP
  std::string format = "riposte";  // riposte, ocsf, ecs
  std::string tls_ca, tls_cert, tls_key, tls_server_name;  // tls_ca "": plain TCP
};

struct AgentConfig {
  // capture
  std::vector<std::string> syscalls;  // empty: the default set
  uint32_t ring_buffer_mb = 16;
  // state
  std::vector<std::string> containerd_namespaces = {"default", "k8s.io", "moby"};
  // containers: where container and pod metadata come from, and what the container
  // responders act through
  bool containers_enabled = true;
  std::string containerd_socket = "/run/containerd/containerd.sock";
  std::string cri_socket;  // "": the containerd socket
  // Docker-API engines, used when the socket exists at start ("": never)
  std::string docker_socket = "/var/run/docker.sock";
  std::string podman_socket = "/run/podman/podman.sock";
  std::string quarantine_state = "/var/lib/riposte/quarantine.json";  // network.quarantine's records
  std::string seccomp_profile_dir = "/var/lib/riposte/seccomp";       // seccomp.tighten's saved profiles
  // evidence: where the evidence steps write, and the flight recorder `capture` takes from
  // (on by default: the last 30 s, at most 64 MiB of records)
  std::string evidence_dir = "/var/lib/riposte/evidence";
  bool recorder_enabled = true;
  uint32_t recorder_window_s = 30;
  uint32_t recorder_max_mb = 64;
  // With a capture step loaded, the kernel record filter is off so that captures hold every
  // record of the captured syscalls; false keeps it (captures then hold what rules can match).
  bool recorder_all_records = true;
  // rules: files or directories, used when --rules is not given
  std::vector<std::string> rules;
  // Falco's append_output; its default: the suggested fields (which container, which pod)
  // appended to every alert. `append_output: []` turns that off.
  std::vector<AppendOutput> append_output = DefaultAppendOutput();
  // alerts (run, replay): --alerts-file, --alerts-url, --json, --min-priority
  std::string alerts_file;
  std::string alerts_url;
  bool alerts_json = false;
  std::string alerts_format = "falco";  // falco, ocsf, ecs (output/alert_formats.h)
  std::string min_priority = "Debug";
  // response: --policies, --dry-run, --audit-log
  std::vector<std::string> policies;
  bool dry_run = false;
  std::string audit_log = "/var/log/riposte/audit.log";
  uint64_t audit_max_bytes = 64ull << 20;
  int audit_keep = 10;
  uint32_t audit_heartbeat_s = 300;  // 0: no heartbeat records
  std::vector<AuditShipConfig> audit_ship;
  ProtectionConfig protection;
  uint32_t breaker_max_actions_per_minute = 60;  // 0: no breaker
  std::string breaker_cooldown = "5m";
  bool in_kernel_kill = true;
  // Leave out in the kernel the open family records (and their closes) no loaded rule can
  // match (rules/kernel_filter_derivation.h). `run` only; capture sends everything.
  bool kernel_filter = true;
  // syscall_event_drops: what the agent does when the kernel drops records
  std::vector<std::string> drop_actions = {"log", "alert"};  // log, alert, exit, ignore
  std::string drop_priority = "Critical";
  uint32_t drop_interval_s = 30;  // program enforce policies' in_kernel selectors when the kernel can
  // reload: watch the rule and policy files (SIGHUP always reloads)
  bool watch_files = true;
  // respond: where Falco's alerts come in, and who may send them (docs/security.md).
  // The unix socket (0600, peers by uid) by default; TCP only with a token or mutual TLS.
  std::string respond_socket = "/run/riposte/respond.sock";  // "": none
  std::vector<uint32_t> respond_socket_uids = {0};
  std::string respond_listen;      // HOST:PORT, "": none
  std::string respond_token_file;  // bearer tokens for TCP (and TLS) senders
  std::string respond_tls_cert, respond_tls_key, respond_tls_client_ca;
  double respond_alerts_per_second = 50;  // per sender
  double respond_burst = 200;
  // logging: level (the --log-level flag wins when given) and text or json lines
  std::string log_level = "info";
  std::string log_format = "text";
  // run: /healthz, /readyz, /metrics on HOST:PORT; empty: not served
  std::string ops_listen;
};

// Errors name the file, line and column of the offending key.
Result<AgentConfig> LoadAgentConfig(const std::string& path);

}  // namespace riposte
