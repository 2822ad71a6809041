// What the agent knows about one container and the pod around it, as the container
// runtime (containerd) and the kubelet's runtime interface (CRI) describe them. The state
// stage hands processes a ContainerEntry; the entry's current ContainerInfo is published
// once the runtime has been asked, and replaced whole when the runtime reports a change.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace riposte {

struct ContainerMount {
  std::string source;
  std::string dest;
  std::string mode;         // mount options as the runtime spec lists them, joined by ','
  bool read_write = true;
  std::string propagation;  // "private", "rslave", "rshared", ... ("" when not set)
};

struct ContainerInfo {
  std::string id;                 // full id
  std::string engine = "containerd";  // who runs it: "containerd", "docker", "podman", "cri-o", "cri" (container.type)
  bool engine_described = false;  // by the engine's own API (dockerd, podman), not containerd's record
  bool cri_described = false;     // by a CRI runtime's ContainerStatus (CRI-O; a runtime known only by its CRI socket)
  std::string runtime_namespace;  // containerd namespace ("k8s.io", "default", "moby" for Docker; "" for podman)
  std::string name;               // CRI container name, "POD" for a pod sandbox, else the id
  std::string image;              // reference as the runtime has it
  std::string image_repository;
  std::string image_tag;
  // What only some engines say (Docker's API: the image's id and digest, the address):
  // absent, not "", when the engine gave no answer.
  std::optional<std::string> image_id;
  std::optional<std::string> image_digest;
  std::optional<std::string> ip;
  std::optional<bool> host_network;
  std::optional<bool> host_ipc;
  bool privileged = false;
  std::vector<ContainerMount> mounts;
  std::string mounts_text;        // Falco's container.mounts rendering
  int64_t created_ns = 0;         // wall clock
  std::map<std::string, std::string> labels;  // the runtime's labels on the container
  bool is_sandbox = false;        // a pod's sandbox ("pause") container
  // Pod, from CRI (empty outside Kubernetes).
  std::string sandbox_id;
  std::string k8s_namespace;
  std::string pod_name;
  std::string pod_uid;
  std::map<std::string, std::string> pod_labels;  // the pod's own labels (io.kubernetes.* left out)
  std::string pod_labels_text;    // "key:value, key:value" (sorted)
};

// Fills mounts_text and pod_labels_text from the structured fields.
void RenderContainerText(ContainerInfo& info);

// One container as processes see it. Published versions stay alive as long as the entry
// does, so a reader may keep views into the info it loaded for the rest of an event
// without taking a lock; a container changes a handful of times in its life at most.
class ContainerEntry {
 public:
  explicit ContainerEntry(std::string id) : id_(std::move(id)) {}
  const std::string& id() const { return id_; }
  // Null until the runtime has described the container.
  const ContainerInfo* info() const { return current_.load(std::memory_order_acquire); }
  void Publish(ContainerInfo info);
  // No description is coming soon (the lookup failed, or the runtime is not answering):
  // nothing waits for it. A description published later still replaces the empty one.
  void GiveUp() { given_up_.store(true, std::memory_order_release); }
  // The runtime's description is in, or will never come: this container's events are
  // judged as they come, not held for it.
  bool Settled() const { return info() != nullptr || given_up_.load(std::memory_order_acquire); }
  // A container's first events can outrun the runtime's description (its entrypoint's
  // execve, which "container started" rules look at): the detection stage holds them
  // for it, once per container. After a hold that ran out, the container's later events
  // are judged as they come.
  bool HoldSpent() const { return hold_spent_.load(std::memory_order_acquire); }
  void SpendHold() { hold_spent_.store(true, std::memory_order_release); }

 private:
  std::string id_;
  std::atomic<const ContainerInfo*> current_{nullptr};
  std::atomic<bool> given_up_{false};
  std::atomic<bool> hold_spent_{false};
  std::mutex mu_;  // guards versions_
  std::vector<std::unique_ptr<const ContainerInfo>> versions_;
};

// Where the state stage gets an entry for a container id it found in a cgroup path. The
// catalog answers at once (it never waits on the runtime): an unknown id gets an empty
// entry that is filled in the background.
class ContainerCatalog {
 public:
  virtual ~ContainerCatalog() = default;
  // `runtime`: the engine the cgroup path names ("docker", "podman", "cri", "containerd",
  // "cri-o"), which says whom to ask first.
  virtual std::shared_ptr<ContainerEntry> EntryFor(const std::string& id, std::string_view runtime) = 0;
};

// Where the response side gets a container's description for an alert that lacks it (a
// Falco alert names a 12-character id): unlike the catalog, it may ask the runtime and
// wait for the answer.
class ContainerDescriber {
 public:
  virtual ~ContainerDescriber() = default;
  // The container with this id or id prefix; NotFound / Unavailable errors say which.
  virtual Result<ContainerInfo> Describe(const std::string& id_or_prefix) = 0;
};

}  // namespace riposte
