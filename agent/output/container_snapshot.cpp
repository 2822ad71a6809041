#include "output/container_snapshot.h"

namespace riposte {

using nlohmann::json;

json ContainerToSnapshot(const ContainerInfo& c) {
  json mounts = json::array();
  for (const auto& m : c.mounts)
    mounts.push_back({{"source", m.source}, {"dest", m.dest}, {"mode", m.mode}, {"rw", m.read_write},
                      {"propagation", m.propagation}});
  json j{{"id", c.id},
         {"engine", c.engine},
         {"engine_described", c.engine_described},
         {"cri_described", c.cri_described},
         {"namespace", c.runtime_namespace},
         {"name", c.name},
         {"image", c.image},
         {"image_repository", c.image_repository},
         {"image_tag", c.image_tag},
         {"privileged", c.privileged},
         {"mounts", std::move(mounts)},
         {"mounts_text", c.mounts_text},
         {"created_ns", c.created_ns},
         {"labels", c.labels},
         {"is_sandbox", c.is_sandbox},
         {"sandbox_id", c.sandbox_id},
         {"k8s_namespace", c.k8s_namespace},
         {"pod_name", c.pod_name},
         {"pod_uid", c.pod_uid},
         {"pod_labels", c.pod_labels},
         {"pod_labels_text", c.pod_labels_text}};
  // What only some engines say stays absent when they did not say it.
  if (c.image_id) j["image_id"] = *c.image_id;
  if (c.image_digest) j["image_digest"] = *c.image_digest;
  if (c.ip) j["ip"] = *c.ip;
  if (c.host_network) j["host_network"] = *c.host_network;
  if (c.host_ipc) j["host_ipc"] = *c.host_ipc;
  return j;
}

Result<ContainerInfo> ContainerFromSnapshot(const json& j) {
  if (!j.is_object()) return Error{"a container snapshot must be an object"};
  try {
    ContainerInfo c;
    c.id = j.at("id").get<std::string>();
    c.engine = j.at("engine").get<std::string>();
    c.engine_described = j.at("engine_described").get<bool>();
    c.cri_described = j.at("cri_described").get<bool>();
    c.runtime_namespace = j.at("namespace").get<std::string>();
    c.name = j.at("name").get<std::string>();
    c.image = j.at("image").get<std::string>();
    c.image_repository = j.at("image_repository").get<std::string>();
    c.image_tag = j.at("image_tag").get<std::string>();
    c.privileged = j.at("privileged").get<bool>();
    for (const auto& m : j.at("mounts"))
      c.mounts.push_back({m.at("source").get<std::string>(), m.at("dest").get<std::string>(),
                          m.at("mode").get<std::string>(), m.at("rw").get<bool>(),
                          m.at("propagation").get<std::string>()});
    c.mounts_text = j.at("mounts_text").get<std::string>();
    c.created_ns = j.at("created_ns").get<int64_t>();
    c.labels = j.at("labels").get<std::map<std::string, std::string>>();
    c.is_sandbox = j.at("is_sandbox").get<bool>();
    c.sandbox_id = j.at("sandbox_id").get<std::string>();
    c.k8s_namespace = j.at("k8s_namespace").get<std::string>();
    c.pod_name = j.at("pod_name").get<std::string>();
    c.pod_uid = j.at("pod_uid").get<std::string>();
    c.pod_labels = j.at("pod_labels").get<std::map<std::string, std::string>>();
    c.pod_labels_text = j.at("pod_labels_text").get<std::string>();
    if (j.contains("image_id")) c.image_id = j["image_id"].get<std::string>();
    if (j.contains("image_digest")) c.image_digest = j["image_digest"].get<std::string>();
    if (j.contains("ip")) c.ip = j["ip"].get<std::string>();
    if (j.contains("host_network")) c.host_network = j["host_network"].get<bool>();
    if (j.contains("host_ipc")) c.host_ipc = j["host_ipc"].get<bool>();
    if (c.id.empty()) return Error{"a container snapshot without an id"};
    return c;
  } catch (const json::exception& e) {
    return Error{std::string("container snapshot: ") + e.what()};
  }
}

}  // namespace riposte
