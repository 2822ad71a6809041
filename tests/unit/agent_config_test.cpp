#include "config/agent_config.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace riposte {
namespace {

// The files the tests write, removed when the test program ends (after a failing test too:
// these piled up in /tmp, one per test and run).
struct WrittenFiles {
  std::vector<std::string> paths;
  ~WrittenFiles() {
    for (const auto& p : paths) std::filesystem::remove(p);
  }
};

std::string Write(const std::string& text) {
  static int n = 0;
  static WrittenFiles written;
  std::string path = "/tmp/riposte-config-" + std::to_string(getpid()) + "-" + std::to_string(n++) + ".yaml";
  std::ofstream(path) << text;
  written.paths.push_back(path);
  return path;
}

TEST(AgentConfig, ReadsEveryKey) {
  auto path = Write("capture:\n  syscalls: [openat, execve]\n  ring_buffer_mb: 32\n"
                    "state:\n  containerd_namespaces: [prod]\nlog_level: debug\n");
  auto c = LoadAgentConfig(path);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->syscalls, (std::vector<std::string>{"openat", "execve"}));
  EXPECT_EQ(c->ring_buffer_mb, 32u);
  EXPECT_EQ(c->containerd_namespaces, (std::vector<std::string>{"prod"}));
  EXPECT_EQ(c->log_level, "debug");
  std::filesystem::remove(path);
}

TEST(AgentConfig, UnknownKeysNameFileLineAndColumn) {
  auto path = Write("capture:\n  syscalls: [openat]\n  ringbuffer: 3\n");
  auto c = LoadAgentConfig(path);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message, path + ":3:3: unknown key capture.ringbuffer");
  std::filesystem::remove(path);
}

TEST(AgentConfig, SyntaxAndTypeErrorsNamePositions) {
  auto path = Write("capture:\n  syscalls: [openat\n");
  auto c = LoadAgentConfig(path);
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.error().message.starts_with(path + ":")) << c.error().message;
  auto path2 = Write("capture:\n  ring_buffer_mb: lots\n");
  auto c2 = LoadAgentConfig(path2);
  ASSERT_FALSE(c2.ok());
  EXPECT_TRUE(c2.error().message.starts_with(path2 + ":2:")) << c2.error().message;
  EXPECT_FALSE(LoadAgentConfig("/nonexistent/riposte.yaml").ok());
  std::filesystem::remove(path);
  std::filesystem::remove(path2);
}

}  // namespace
}  // namespace riposte

namespace riposte {
namespace {

TEST(AgentConfig, ReadsTheResponseKeys) {
  auto path = Write(
      "policies: [/p]\ndry_run: true\naudit: {path: /a.log, max_size_mb: 2, keep: 3}\n"
      "alerts: {file: /f, url: 'http://x/', json: true, min_priority: Notice}\n"
      "protected: {pids: [7], executables: [/a], images: ['i*'], namespaces: [n]}\n"
      "circuit_breaker: {max_actions_per_minute: 5, cooldown: 1m}\nin_kernel_kill: false\nwatch_files: false\n"
      "respond: {listen: '0.0.0.0:1'}\n");
  auto c = LoadAgentConfig(path);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->policies, std::vector<std::string>{"/p"});
  EXPECT_TRUE(c->dry_run);
  EXPECT_EQ(c->audit_log, "/a.log");
  EXPECT_EQ(c->audit_max_bytes, 2u << 20);
  EXPECT_EQ(c->audit_keep, 3);
  EXPECT_EQ(c->alerts_file, "/f");
  EXPECT_TRUE(c->alerts_json);
  EXPECT_EQ(c->min_priority, "Notice");
  EXPECT_EQ(c->protection.pids, std::vector<uint32_t>{7});
  EXPECT_EQ(c->protection.executables, std::vector<std::string>{"/a"});
  EXPECT_EQ(c->protection.namespaces, std::vector<std::string>{"n"});
  EXPECT_EQ(c->breaker_max_actions_per_minute, 5u);
  EXPECT_FALSE(c->in_kernel_kill);
  EXPECT_FALSE(c->watch_files);
  EXPECT_EQ(c->respond_listen, "0.0.0.0:1");
  auto bad = LoadAgentConfig(Write("audit:\n  path: /a\n  size: 3\n"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find(":3:3: unknown key audit.size"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace riposte

namespace riposte {
namespace {

// The sample configuration shipped in deploy/ loads, and says what the defaults are.
TEST(AgentConfig, TheShippedSampleLoadsAndMatchesTheDefaults) {
  auto c = LoadAgentConfig(std::string(RIPOSTE_SOURCE_DIR) + "/deploy/riposte.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  const AgentConfig defaults;
  EXPECT_EQ(c->seccomp_profile_dir, defaults.seccomp_profile_dir);
  EXPECT_EQ(c->quarantine_state, defaults.quarantine_state);
  EXPECT_EQ(c->evidence_dir, defaults.evidence_dir);
  EXPECT_EQ(c->recorder_window_s, defaults.recorder_window_s);
  EXPECT_EQ(c->recorder_max_mb, defaults.recorder_max_mb);
  EXPECT_EQ(c->ops_listen, "127.0.0.1:9376");
  EXPECT_EQ(c->log_format, "text");
  // And the systemd host's.
  auto host = LoadAgentConfig(std::string(RIPOSTE_SOURCE_DIR) + "/deploy/systemd/riposte.yaml");
  ASSERT_TRUE(host.ok()) << host.error().message;
  EXPECT_EQ(host->rules, std::vector<std::string>{"/etc/riposte/rules"});
  EXPECT_EQ(host->audit_log, "/var/log/riposte/audit.log");
}

TEST(AgentConfig, LogAndOpsKeysAreCheckedWithTheirPosition) {
  auto bad = Write("log_format: xml\n");
  auto c = LoadAgentConfig(bad);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find(bad + ":1:"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("text or json"), std::string::npos) << c.error().message;
  auto level = Write("log_level: loud\n");
  EXPECT_FALSE(LoadAgentConfig(level).ok());
  auto good = Write("log_format: json\nlog_level: debug\nops:\n  listen: 0.0.0.0:9376\n");
  auto g = LoadAgentConfig(good);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->log_format, "json");
  EXPECT_EQ(g->ops_listen, "0.0.0.0:9376");
  for (const auto& p : {bad, level, good}) std::filesystem::remove(p);
}

TEST(AgentConfig, ReadsTheEvidenceKeysAndRefusesBadOnesWithTheirPosition) {
  auto path = Write("evidence:\n  dir: /srv/evidence\n  recorder: {enabled: false, window_s: 10, max_mb: 8, "
                    "all_records: false}\n");
  auto c = LoadAgentConfig(path);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->evidence_dir, "/srv/evidence");
  EXPECT_FALSE(c->recorder_enabled);
  EXPECT_EQ(c->recorder_window_s, 10u);
  EXPECT_EQ(c->recorder_max_mb, 8u);
  EXPECT_FALSE(c->recorder_all_records);
  const AgentConfig defaults;
  EXPECT_TRUE(defaults.recorder_enabled);
  EXPECT_EQ(defaults.recorder_window_s, 30u);
  EXPECT_EQ(defaults.recorder_max_mb, 64u);
  auto relative = Write("evidence:\n  dir: evidence\n");
  auto r = LoadAgentConfig(relative);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(relative + ":2:8: evidence.dir must be an absolute path"), std::string::npos)
      << r.error().message;
  auto unknown = Write("evidence:\n  recorder:\n    window: 5\n");
  auto u = LoadAgentConfig(unknown);
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.error().message.find(unknown + ":3:5: evidence.recorder: unknown key 'window'"), std::string::npos)
      << u.error().message;
  auto huge = Write("evidence:\n  recorder: {max_mb: 0}\n");
  EXPECT_FALSE(LoadAgentConfig(huge).ok());
  for (const auto& p : {path, relative, unknown, huge}) std::filesystem::remove(p);
}

TEST(AgentConfig, ReadsTheSeccompAndQuarantineKeys) {
  auto path = Write("seccomp:\n  profile_dir: /srv/profiles\nquarantine:\n  state_file: /srv/q.json\n");
  auto c = LoadAgentConfig(path);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->seccomp_profile_dir, "/srv/profiles");
  EXPECT_EQ(c->quarantine_state, "/srv/q.json");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace riposte

namespace riposte {
namespace {

TEST(AgentConfig, ValuesOutOfRangeAreErrorsWithPositions) {
  struct Case {
    std::string text, where, says;
  };
  for (const auto& c : std::vector<Case>{
           {"audit:\n  max_size_mb: 0\n", ":2:16", "audit.max_size_mb must be between 1"},
           {"capture:\n  ring_buffer_mb: 1048576\n", ":2:19", "capture.ring_buffer_mb must be between 1 and 1024"},
           {"capture:\n  ring_buffer_mb: 3\n", ":2:19", "power of two"},
           {"audit:\n  keep: 0\n", ":2:9", "audit.keep must be between 1"},
           {"protected:\n  process_names: [kubelet]\n", ":2:18", "protected.executables"},
           {"protected:\n  executables: [kubelet]\n", ":2:16", "not an absolute path"},
           {"syscall_event_drops:\n  actions: [panic]\n", ":2:12", "not log, alert, exit or ignore"},
           {"syscall_event_drops:\n  priority: Loud\n", ":2:13", "not a Falco priority"},
           {"respond:\n  alerts_per_second: 0\n", ":2:22", "respond.alerts_per_second"},
       }) {
    auto r = LoadAgentConfig(Write(c.text));
    ASSERT_FALSE(r) << c.text;
    EXPECT_NE(r.error().message.find(c.where), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace riposte

namespace riposte {
namespace {

TEST(AgentConfig, AppendOutputIsFalcosWithSuggestedFieldsByDefault) {
  const AgentConfig defaults;
  ASSERT_EQ(defaults.append_output.size(), 1u);
  EXPECT_TRUE(defaults.append_output[0].suggested_output);
  auto path = Write(
      "append_output:\n"
      "  - match:\n      source: syscall\n      tags: [T1, T2]\n      rule: R\n"
      "    extra_output: \"on CPU %evt.cpu\"\n"
      "    extra_fields:\n      - home: \"${HOME}\"\n      - evt.hostname\n");
  auto c = LoadAgentConfig(path);
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->append_output.size(), 1u);
  const auto& e = c->append_output[0];
  EXPECT_EQ(e.source, "syscall");
  EXPECT_EQ(e.tags, (std::vector<std::string>{"T1", "T2"}));
  EXPECT_EQ(e.rule, "R");
  EXPECT_EQ(e.extra_output, "on CPU %evt.cpu");
  EXPECT_FALSE(e.suggested_output);
  ASSERT_EQ(e.extra_fields.size(), 2u);
  EXPECT_EQ(e.extra_fields[0], (std::pair<std::string, std::string>{"home", "${HOME}"}));
  EXPECT_EQ(e.extra_fields[1], (std::pair<std::string, std::string>{"evt.hostname", ""}));
  auto off = Write("append_output: []\n");
  auto o = LoadAgentConfig(off);
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->append_output.empty());
  auto bad = Write("append_output:\n  - match:\n      image: x\n");
  auto b = LoadAgentConfig(bad);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find(bad + ":3:7: append_output match: unknown key 'image'"), std::string::npos)
      << b.error().message;
  for (const auto& p : {path, off, bad}) std::filesystem::remove(p);
}

}  // namespace
}  // namespace riposte

namespace riposte {
namespace {

TEST(AgentConfig, AuditShippingTargetsAreReadAndCheckedWithTheirPosition) {
  auto good = Write("audit:\n  heartbeat_s: 60\n  ship:\n    - name: central\n      address: 10.0.0.5:6514\n"
                    "      tls: {ca: /etc/riposte/ca.pem, cert: /etc/riposte/node.pem, key: /etc/riposte/node.key}\n"
                    "    - name: lab\n      address: 127.0.0.1:514\n");
  auto c = LoadAgentConfig(good);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->audit_heartbeat_s, 60u);
  ASSERT_EQ(c->audit_ship.size(), 2u);
  EXPECT_EQ(c->audit_ship[0].name, "central");
  EXPECT_EQ(c->audit_ship[0].tls_cert, "/etc/riposte/node.pem");
  EXPECT_TRUE(c->audit_ship[1].tls_ca.empty());
  const std::pair<const char*, const char*> bad[] = {
      {"audit:\n  ship:\n    - name: a\n      address: h:1\n      port: 3\n", ":5:7: audit.ship: unknown key 'port'"},
      {"audit:\n  ship:\n    - name: a\n", ":3:7: audit.ship: an entry needs a name and either an address"},
      {"audit:\n  ship:\n    - {name: a, address: 'h:1', url: 'https://h/'}\n", "either an address (syslog) or a url"},
      {"audit:\n  ship:\n    - {name: a, url: 'ftp://h/'}\n", "http:// or https://"},
      {"audit:\n  ship:\n    - {name: a, address: 'h:1', protocol: gelf}\n", "syslog or relp"},
      {"audit:\n  ship:\n    - {name: a, url: 'https://h/', body: kafka}\n", "json, splunk_hec or elastic_bulk"},
      {"audit:\n  ship:\n    - name: A B\n      address: h:1\n", "a name is lower-case"},
      {"audit:\n  ship:\n    - {name: a, address: 'h:1', tls: {cert: c}}\n", "cert and key go together"},
      {"audit:\n  ship:\n    - {name: a, address: 'h:1', tls: {cert: c, key: k}}\n", "needs ca"},
      {"audit:\n  ship:\n    - {name: a, address: 'h:1'}\n    - {name: a, address: 'h:2'}\n", "used twice"},
      {"audit:\n  ship: {name: a}\n", "must be a list"},
      {"audit:\n  heartbeat_s: -1\n", ":2:16:"},
      {"audit:\n  heartbeat_s: 90000\n", "audit.heartbeat_s must be between"},
  };
  for (const auto& [text, expected] : bad) {
    auto path = Write(text);
    auto r = LoadAgentConfig(path);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.error().message.find(expected), std::string::npos) << r.error().message;
    std::filesystem::remove(path);
  }
  std::filesystem::remove(good);
}

}  // namespace
}  // namespace riposte
