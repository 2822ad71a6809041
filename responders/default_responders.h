// The registry the agent runs with: every responder this build has, and the names of
// the ones still to come (audited as unavailable until they land).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "containers/container_directory.h"
#include "evidence/flight_recorder.h"
#include "quarantine/quarantine_store.h"
#include "responders/responder_registry.h"

namespace riposte {

struct ResponderDeps {
  std::vector<std::string> containerd_namespaces;  // process.kill's container target
  // The container, network and seccomp responders act through it; null leaves them unavailable.
  ContainerDirectory* containers = nullptr;
  QuarantineStore* quarantines = nullptr;  // where network.quarantine records what it did
  std::string seccomp_profile_dir = "/var/lib/riposte/seccomp";  // where seccomp.tighten saves profiles
  std::string evidence_dir = "/var/lib/riposte/evidence";        // where the evidence steps write
  FlightRecorder* recorder = nullptr;  // what capture takes from; null: capture fails, saying why
};

std::unique_ptr<ResponderRegistry> MakeDefaultResponders(const ResponderDeps& deps);

}  // namespace riposte
