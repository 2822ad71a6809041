#include "responders/evidence_container.h"

#include <chrono>

#include "common/json_text.h"
#include "common/wall_time.h"
#include "evidence/evidence_files.h"
#include "evidence/rootfs_diff.h"

namespace riposte {
namespace {

nlohmann::ordered_json Describe(const ContainerInfo& c) {
  nlohmann::ordered_json j{{"id", c.id},       {"name", c.name},         {"engine", c.engine},
                           {"namespace", c.runtime_namespace},         {"image", c.image},
                           {"image_repository", c.image_repository},   {"image_tag", c.image_tag},
                           {"privileged", c.privileged},               {"labels", c.labels},
                           {"mounts", c.mounts_text}};
  if (c.image_id) j["image_id"] = *c.image_id;
  if (c.image_digest) j["image_digest"] = *c.image_digest;
  if (c.ip) j["ip"] = *c.ip;
  if (c.host_network) j["host_network"] = *c.host_network;
  if (c.created_ns) j["created"] = FormatRfc3339(c.created_ns);
  if (!c.pod_name.empty())
    j["pod"] = {{"namespace", c.k8s_namespace}, {"name", c.pod_name}, {"uid", c.pod_uid},
                {"sandbox_id", c.sandbox_id}, {"labels", c.pod_labels}};
  return j;
}

}  // namespace

EvidenceContainerResponder::EvidenceContainerResponder(ContainerDirectory& directory, std::string evidence_dir)
    : ContainerResponder(directory), evidence_dir_(std::move(evidence_dir)) {}

Status EvidenceContainerResponder::ValidateParams(const nlohmann::json& params) const {
  if (auto it = params.find("rootfs_diff"); it != params.end() && !it->is_boolean())
    return Error{"rootfs_diff must be true or false, not " + it->dump()};
  return Status::Ok();
}

std::string EvidenceContainerResponder::Plan(const nlohmann::json& params) const {
  return params.value("rootfs_diff", true)
             ? "record the container's metadata and the files of its writable layer, with their hashes"
             : "record the container's metadata";
}

void EvidenceContainerResponder::Act(const Target& target, const nlohmann::json& params, ActionResult& result) {
  const ContainerInfo& c = target.info;
  nlohmann::ordered_json evidence{
      {"collected", FormatRfc3339(WallNowNs())},
      {"alert", target.alert->Reference()},
      {"container", Describe(c)},
      {"task", {{"pid", target.task.pid}, {"status", std::string(TaskStatusName(target.task.status))}}}};
  if (params.value("rootfs_diff", true)) {
    auto diff = target.task.pid ? DescribeWritableLayer(target.task.pid, RootfsDiffLimits{})
                                : Result<nlohmann::ordered_json>(Error{"the container has no running task"});
    if (diff) {
      result.details["rootfs_entries"] = (*diff)["entries"].size();
      evidence["rootfs_diff"] = std::move(*diff);
    } else {
      result.details["rootfs_diff_error"] = diff.error().message;
      evidence["rootfs_diff_error"] = diff.error().message;
    }
  }
  const std::string path =
      EvidencePath(evidence_dir_, target.alert_id, "container-" + c.id.substr(0, 12) + "-" + target.policy, ".json");
  result.details["path"] = path;
  auto digest = WriteEvidenceFile(path, JsonText(evidence, 2));
  if (!digest) {
    result.outcome = Outcome::kFailed;
    result.error = digest.error().message;
    return;
  }
  result.details["sha256"] = digest->sha256;
  result.details["size"] = digest->size;
  result.outcome = Outcome::kDone;
}

}  // namespace riposte
