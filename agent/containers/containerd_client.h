// containerd's own API (gRPC on its socket, code generated from the packaged .proto
// files): containers, their tasks, the actions riposte takes on them, and the event
// stream that keeps the agent's container table current. Every call names the
// containerd namespace it works in ("k8s.io" for the kubelet's containers).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace grpc {
class Channel;
class ClientContext;
}  // namespace grpc

namespace riposte {

enum class TaskStatus { kUnknown, kCreated, kRunning, kStopped, kPaused, kPausing };
std::string_view TaskStatusName(TaskStatus s);

struct ContainerRecord {
  std::string runtime_namespace;
  std::string id;
  std::string image;
  std::map<std::string, std::string> labels;
  nlohmann::json spec;  // the OCI runtime spec (null when the container has none)
  int64_t created_ns = 0;
  std::string snapshotter;   // where its root filesystem lives
  std::string snapshot_key;
};

struct TaskState {
  uint32_t pid = 0;
  TaskStatus status = TaskStatus::kUnknown;
  uint32_t exit_status = 0;
};

// One event from containerd's stream: "/containers/create", "/tasks/start", ...
struct RuntimeEvent {
  std::string runtime_namespace;
  std::string topic;
  std::string container_id;  // the container it is about ("" for other topics)
};

// A running event subscription another thread can end.
class EventSubscription {
 public:
  void Cancel();

 private:
  friend class ContainerdClient;
  std::mutex mu_;
  grpc::ClientContext* ctx_ = nullptr;
  bool cancelled_ = false;
};

class ContainerdClient {
 public:
  explicit ContainerdClient(std::string socket_path,
                            std::chrono::milliseconds call_timeout = std::chrono::seconds(5));
  ~ContainerdClient();
  const std::string& socket_path() const { return socket_path_; }

  Result<std::vector<ContainerRecord>> ListContainers(const std::string& ns);
  Result<ContainerRecord> GetContainer(const std::string& ns, const std::string& id);
  Result<TaskState> GetTask(const std::string& ns, const std::string& id);
  Status PauseTask(const std::string& ns, const std::string& id);
  Status ResumeTask(const std::string& ns, const std::string& id);
  // Signals the task's init process, or every process of the task with `all`.
  Status KillTask(const std::string& ns, const std::string& id, int signal, bool all);
  Status DeleteTask(const std::string& ns, const std::string& id);
  Status DeleteContainer(const std::string& ns, const std::string& id);
  // Replaces the container's OCI spec (it applies from the next task the container starts).
  Status UpdateSpec(const std::string& ns, const std::string& id, const nlohmann::json& spec);
  // A new task for a container whose task was deleted, on its snapshot's mounts, with
  // no stdio (what a detached container has), then started; the new task's pid.
  Result<uint32_t> CreateAndStartTask(const ContainerRecord& container);
  Result<std::string> Version();

  // Streams events of the container and task topics until the stream breaks or
  // `subscription` is cancelled; returns why it ended. Blocks the calling thread.
  Status Subscribe(const std::function<void(const RuntimeEvent&)>& on_event, EventSubscription& subscription);

 private:
  struct Stubs;
  std::string socket_path_;
  std::chrono::milliseconds call_timeout_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stubs> stubs_;
};

}  // namespace riposte
