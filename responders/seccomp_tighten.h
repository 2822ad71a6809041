// seccomp.tighten restricts the syscalls the alert's container may make: its current
// seccomp profile (the OCI spec's linux.seccomp, or none) loses the syscalls to deny —
// the `restricted` baseline, a `deny` list, and with `from_alert` the alert's own
// syscall — which then fail with EPERM (`action: errno`, default) or kill the caller
// (`action: kill`). The profile is saved (OCI JSON, and libseccomp's export of it beside)
// under the profile directory and named in the audit record; the container's spec is
// updated through containerd, and with `restart: true` its task is restarted so the
// filter applies at once (a seccomp filter can only be installed by a process itself, so
// a running task keeps the filter it started with). Pod containers are re-created by
// the kubelet from the pod spec, never from a changed containerd spec: for them the
// profile is saved for the pod spec's Localhost profile and the step fails, saying so.
// A host process started under `riposte exec` is tightened at once by its supervisor
// (seccomp user notification); any other running process cannot be given a filter from
// outside, and the step fails saying so.
#pragma once

#include "responders/container_responder.h"
#include "seccomp/seccomp_profile.h"

namespace riposte {

// The container half.
class SeccompTightenContainer : public ContainerResponder {
 public:
  SeccompTightenContainer(ContainerDirectory& directory, std::string profile_dir);
  std::string_view name() const override { return "seccomp.tighten"; }
  Status ValidateParams(const nlohmann::json& params) const override;

 protected:
  std::string Plan(const nlohmann::json& params) const override;
  void Act(const Target& target, const nlohmann::json& params, ActionResult& result) override;

 private:
  std::string profile_dir_;
};

class SeccompTightenResponder : public Responder {
 public:
  SeccompTightenResponder(ContainerDirectory& directory, std::string profile_dir,
                          std::string exec_control_dir = "/run/riposte/exec");
  std::string_view name() const override { return "seccomp.tighten"; }
  Status ValidateParams(const nlohmann::json& params) const override;
  ActionResult Run(const ActionRequest& request) override;

 private:
  SeccompTightenContainer containers_;
  std::string exec_control_dir_;
};

}  // namespace riposte
