// process.kill: signals the alert's process, its process group, or every process of its
// container. Each process is opened as a pidfd and checked to be the very process the
// alert is about (same start time, from one read of /proc/PID/stat) before pidfd_send_signal: a pid reused since the
// event is never hit. Params: target (process | process_group | container, default
// process), signal (name or number, default SIGKILL), wait_ms (how long to wait for a
// SIGKILL'd process to be gone before reporting, default 100).
#pragma once

#include <string>
#include <vector>

#include "responders/responder.h"
#include "state/proc_scanner.h"

namespace riposte {

class ProcessKillResponder : public Responder {
 public:
  explicit ProcessKillResponder(std::vector<std::string> containerd_namespaces);
  std::string_view name() const override { return "process.kill"; }
  Status ValidateParams(const nlohmann::json& params) const override;
  // In the kernel the caller itself is sent SIGKILL (bpf_send_signal).
  Status ValidateInKernel(const nlohmann::json& params) const override;
  ActionResult Run(const ActionRequest& request) override;

 private:
  ActionResult RunOnProcess(const ActionRequest& request, int signal, int wait_ms);
  ActionResult RunOnMany(const ActionRequest& request, const std::vector<ProcessInfo>& members, int signal,
                         const std::string& what);

  std::vector<std::string> containerd_namespaces_;
  ProcScanner scanner_;
};

// "SIGKILL", "KILL", "kill" or "9" -> 9; nothing for other text.
std::optional<int> ParseSignal(const nlohmann::json& value);

}  // namespace riposte
