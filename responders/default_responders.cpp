#include "responders/default_responders.h"

#include "responders/notify.h"
#include "responders/process_kill.h"

namespace riposte {

std::unique_ptr<ResponderRegistry> MakeDefaultResponders(const std::vector<std::string>& containerd_namespaces) {
  auto r = std::make_unique<ResponderRegistry>();
  for (const char* planned : {"container.pause", "container.resume", "container.stop", "container.kill", "pod.stop",
                              "network.quarantine", "network.release", "seccomp.tighten"})
    r->AddPlanned(planned);
  r->Add(std::make_unique<ProcessKillResponder>(containerd_namespaces));
  r->Add(std::make_unique<NotifyResponder>());
  return r;
}

}  // namespace riposte
