// evidence.container: the alert's container as its runtime and the kernel describe it:
// the runtime's metadata (engine, image, id and digest, labels, mounts, privileges, the
// pod and its labels), the task's state, and the root filesystem diff (every file the
// container added, changed or deleted in its writable layer, with hashes:
// evidence/rootfs_diff.h), written as one JSON file under the evidence directory. Its
// path, SHA-256 and size, and the number of files in the diff, are in the step's record.
// Parameters: rootfs_diff (default true). Dry-run finds the container and its layer.
#pragma once

#include <string>

#include "responders/container_responder.h"

namespace riposte {

class EvidenceContainerResponder : public ContainerResponder {
 public:
  EvidenceContainerResponder(ContainerDirectory& directory, std::string evidence_dir);
  std::string_view name() const override { return "evidence.container"; }
  Status ValidateParams(const nlohmann::json& params) const override;

 protected:
  std::string Plan(const nlohmann::json& params) const override;
  void Act(const Target& target, const nlohmann::json& params, ActionResult& result) override;

 private:
  std::string evidence_dir_;
};

}  // namespace riposte
