#include "responders/default_responders.h"

#include "responders/container_pause.h"
#include "responders/container_stop.h"
#include "responders/evidence_capture.h"
#include "responders/evidence_container.h"
#include "responders/evidence_file.h"
#include "responders/evidence_process.h"
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
    r->Add(std::make_unique<ContainerPauseResponder>(*containers));
    r->Add(std::make_unique<ContainerResumeResponder>(*containers));
    r->Add(std::make_unique<ContainerStopResponder>(*containers));
    r->Add(std::make_unique<ContainerKillResponder>(*containers));
    r->Add(std::make_unique<PodStopResponder>(*containers));
    r->Add(std::make_unique<EvidenceContainerResponder>(*containers, deps.evidence_dir));
  }
  if (containers && quarantines) {
    r->Add(std::make_unique<NetworkQuarantineResponder>(*containers, *quarantines));
    r->Add(std::make_unique<NetworkReleaseResponder>(*containers, *quarantines));
  }
  r->Add(std::make_unique<ProcessKillResponder>(deps.containerd_namespaces));
  r->Add(std::make_unique<NotifyResponder>());
  r->Add(std::make_unique<EvidenceCaptureResponder>(deps.recorder, deps.evidence_dir));
  r->Add(std::make_unique<EvidenceProcessResponder>(deps.evidence_dir));
  r->Add(std::make_unique<EvidenceFileResponder>(deps.evidence_dir));
  // Every other action of the catalogue (container support switched off with
  // containers.enabled: false, no quarantine store): policies naming it still load, and
  // its steps are audited as unavailable.
  for (const ActionSpec& a : KnownActions())
    if (!r->Get(std::string(a.name))) r->AddPlanned(std::string(a.name));
  return r;
}

}  // namespace riposte
