#include "responders/default_responders.h"

#include "responders/container_pause.h"
#include "responders/container_stop.h"
#include "responders/network_quarantine.h"
#include "responders/notify.h"
#include "responders/pod_stop.h"
#include "responders/process_kill.h"
#include "responders/seccomp_tighten.h"

namespace riposte {

std::unique_ptr<ResponderRegistry> MakeDefaultResponders(const ResponderDeps& deps) {
  auto r = std::make_unique<ResponderRegistry>();
  ContainerDirectory* containers = deps.containers;
  QuarantineStore* quarantines = deps.quarantines;
  if (containers) {
    r->Add(std::make_unique<SeccompTightenResponder>(*containers, deps.seccomp_profile_dir));
  } else {
    r->AddPlanned("seccomp.tighten");
  }
  if (containers && quarantines) {
    r->Add(std::make_unique<NetworkQuarantineResponder>(*containers, *quarantines));
    r->Add(std::make_unique<NetworkReleaseResponder>(*containers, *quarantines));
  } else {
    for (const char* action : {"network.quarantine", "network.release"}) r->AddPlanned(action);
  }
  if (containers) {
    r->Add(std::make_unique<ContainerPauseResponder>(*containers));
    r->Add(std::make_unique<ContainerResumeResponder>(*containers));
    r->Add(std::make_unique<ContainerStopResponder>(*containers));
    r->Add(std::make_unique<ContainerKillResponder>(*containers));
    r->Add(std::make_unique<PodStopResponder>(*containers));
  } else {
    // Container support switched off (containers.enabled: false): policies naming these
    // still load, and their steps are audited as unavailable.
    for (const char* action : {"container.pause", "container.resume", "container.stop", "container.kill", "pod.stop"})
      r->AddPlanned(action);
  }
  r->Add(std::make_unique<ProcessKillResponder>(deps.containerd_namespaces));
  r->Add(std::make_unique<NotifyResponder>());
  return r;
}

}  // namespace riposte
