// `riposte capture`: print (and optionally record) what the kernel sees
// (daemon/capture_session.h). This file only turns flags into a request.
#include <chrono>

#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "cli/config_loading.h"
#include "common/agent_signals.h"
#include "daemon/capture_session.h"

namespace riposte {
namespace {

struct CaptureArgs {
  std::string format = "json";
  std::vector<std::string> types;
  std::string container;
  std::vector<std::string> syscalls;
  bool all_known = false;
  std::string write_path;
  double duration_s = 0;
  uint64_t max_events = 0;
  uint32_t ring_mb = 0;
  bool stats = false;
  bool hash_stash = false;
  bool raw_tracepoint = false;
};

int RunCapture(const CaptureArgs& a, const GlobalOptions& global) {
  TakeOverAgentSignals();  // a stop asked for during start-up is obeyed once the loop runs
  auto setup = LoadPrintSetup(global, a.format, a.types, a.container);
  if (!setup) {
    spdlog::error("{}", setup.error().message);
    return 2;
  }
  CaptureRequest r;
  r.format = setup->format;
  r.filter = std::move(setup->filter);
  r.syscalls = SplitCommas(a.syscalls);
  r.all_known = a.all_known;
  r.write_path = a.write_path;
  if (a.duration_s > 0) r.duration = std::chrono::milliseconds(static_cast<int64_t>(a.duration_s * 1000));
  r.max_events = a.max_events;
  r.ring_mb = a.ring_mb;
  r.stats = a.stats;
  r.hash_stash = a.hash_stash;
  r.raw_tracepoint = a.raw_tracepoint;
  return RunCaptureSession(setup->config, std::move(r));
}

}  // namespace

void RegisterCaptureCommand(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<CaptureArgs>();
  CLI::App* cmd = app.add_subcommand("capture", "Print the events the kernel sees (and record them with --write)");
  AddVersionFlag(*cmd);
  cmd->add_option("--format", args->format, "json, text or none")->capture_default_str();
  cmd->add_option("--type,-t", args->types, "only these event types (syscall names, procexec, procfork, procexit); comma-separated");
  cmd->add_option("--container,-c", args->container, "only this container (id or id prefix), or 'host'");
  cmd->add_option("--syscalls", args->syscalls, "syscalls to capture (comma-separated); default: the typical rule-driven set");
  cmd->add_flag("--all-known", args->all_known, "capture every syscall riposte knows (incl. read/write)");
  cmd->add_option("--write,-w", args->write_path, "also record everything to this capture file for `riposte replay`");
  cmd->add_option("--duration", args->duration_s, "stop after this many seconds");
  cmd->add_option("--count", args->max_events, "stop after this many records");
  cmd->add_option("--ring-buffer-mb", args->ring_mb, "ring buffer size in MiB (power of two)");
  cmd->add_flag("--stats", args->stats, "print a JSON summary (rates, drops per CPU) on stderr at the end");
  cmd->add_flag("--hash-stash", args->hash_stash, "stash entry arguments in a hash map even if task storage works");
  cmd->add_flag("--raw-tracepoint", args->raw_tracepoint,
                "hook syscalls with raw_tracepoint programs even if tp_btf works (the fallback; for comparison)");
  cmd->callback([args, &global] {
    int rc = RunCapture(*args, global);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace riposte
