// `riposte container`: what an incident responder needs by hand — list the containers the
// agent would see (with their pods and task states), and pause, resume, stop or kill one
// through the same responders policies use. A manual action is audited like a policy's
// (kind "action", policy "manual", who ran it), so releasing a quarantined workload
// leaves the same trail as catching it.
#include <chrono>
#include <cstdio>
#include <set>

#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "cli/config_loading.h"
#include "daemon/manual_actions.h"
#include "daemon/response_setup.h"
#include "containers/container_directory.h"

namespace riposte {
namespace {

struct ContainerArgs {
  std::string id;
  std::string audit_log;
  std::string grace_period;
  std::string signal;
  bool dry_run = false;
};

void PrintRow(const ContainerInfo& info, const std::string& where, const Result<TaskState>& task) {
  std::string pod = info.pod_name.empty() ? "-" : info.k8s_namespace + "/" + info.pod_name;
  std::printf("%-12s  %-10s  %-7s  %-7u  %-20s  %-30s  %s\n", info.id.substr(0, 12).c_str(), where.c_str(),
              task ? std::string(TaskStatusName(task->status)).c_str() : "CREATED", task ? task->pid : 0,
              info.name.substr(0, 20).c_str(), info.image.c_str(), pod.c_str());
}

int List(const GlobalOptions& global) {
  auto config = LoadConfigFor(global);
  if (!config) {
    spdlog::error("{}", config.error().message);
    return 2;
  }
  ContainerDirectory directory(ContainerDirectoryOptionsFor(*config));
  directory.AttachEngines();
  std::printf("%-12s  %-10s  %-7s  %-7s  %-20s  %-30s  %s\n", "CONTAINER", "ENGINE/NS", "STATUS", "PID", "NAME",
              "IMAGE", "POD");
  int shown = 0;
  std::set<std::string> by_engine;  // dockerd's containers are in containerd's "moby" too: shown once
  for (const auto& engine : directory.engines()) {
    auto all = engine->DescribeAll();
    if (!all) {
      spdlog::warn("{} at {}: {}", engine->engine(), engine->socket_path(), all.error().message);
      continue;
    }
    for (const auto& info : *all) {
      PrintRow(info, engine->engine(), engine->control().Task(info));
      by_engine.insert(info.id);
      ++shown;
    }
  }
  bool containerd_up = true;
  for (const auto& ns : config->containerd_namespaces) {
    auto all = directory.containerd().ListContainers(ns);
    if (!all) {
      if (all.error().kind == ErrorKind::kUnavailable) {
        containerd_up = false;
        break;
      }
      continue;
    }
    for (const auto& record : *all) {
      if (by_engine.contains(record.id)) continue;
      auto info = directory.Describe(record.id);
      if (!info) continue;
      PrintRow(*info, ns, directory.containerd().GetTask(ns, record.id));
      ++shown;
    }
  }
  if (!containerd_up) {
    spdlog::error("containerd at {}: not reachable", config->containerd_socket);
    if (shown == 0 && directory.engines().empty()) return 1;
  }
  if (shown == 0)
    std::printf("(no containers in %zu containerd namespaces and %zu engines)\n", config->containerd_namespaces.size(),
                directory.engines().size());
  return 0;
}

int Act(const std::string& action, const ContainerArgs& args, const GlobalOptions& global) {
  auto config = LoadConfigFor(global);
  if (!config) {
    spdlog::error("{}", config.error().message);
    return 2;
  }
  ContainerActionRequest request{action, args.id, args.audit_log, nlohmann::json::object(), args.dry_run};
  if (!args.grace_period.empty()) request.params["grace_period"] = args.grace_period;
  if (!args.signal.empty()) request.params["signal"] = args.signal;
  return RunContainerAction(*config, request);
}

}  // namespace

void RegisterContainerCommand(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand("container", "List containers and pods; pause, resume, stop or kill one (audited)");
  cmd->require_subcommand(1);
  CLI::App* list = cmd->add_subcommand("list", "Containers of dockerd, podman and the configured containerd namespaces, with pod and task state");
  list->callback([&global] {
    if (int rc = List(global); rc != 0) throw CLI::RuntimeError(rc);
  });
  struct Verb {
    const char* name;
    const char* action;
    const char* help;
  };
  for (const Verb& v : {Verb{"pause", "container.pause", "Freeze every process of the container (cgroup freezer)"},
                        Verb{"resume", "container.resume", "Thaw a paused container"},
                        Verb{"stop", "container.stop", "SIGTERM, then SIGKILL after the grace period"},
                        Verb{"kill", "container.kill", "Send a signal (default SIGKILL) to every process"}}) {
    auto args = std::make_shared<ContainerArgs>();
    CLI::App* sub = cmd->add_subcommand(v.name, v.help);
    sub->add_option("id", args->id, "container id or unique prefix (the 12-character form alerts show)")->required();
    sub->add_option("--audit-log", args->audit_log,
                    "audit trail to record the action in (default: the configured one; it must not be one a running "
                    "agent writes)");
    sub->add_flag("--dry-run", args->dry_run, "check everything and record what would be done, change nothing");
    if (std::string(v.name) == "stop")
      sub->add_option("--grace-period", args->grace_period, "time between SIGTERM and SIGKILL (default 10s)");
    if (std::string(v.name) == "kill") sub->add_option("--signal", args->signal, "signal name or number");
    std::string action = v.action;
    sub->callback([action, args, &global] {
      if (int rc = Act(action, *args, global); rc != 0) throw CLI::RuntimeError(rc);
    });
  }
}

}  // namespace riposte
