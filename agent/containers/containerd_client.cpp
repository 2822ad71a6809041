#include "containers/containerd_client.h"

#include <grpcpp/grpcpp.h>

#include "containers/grpc_call.h"
#include "github.com/containerd/containerd/api/events/container.pb.h"
#include "github.com/containerd/containerd/api/events/task.pb.h"
#include "github.com/containerd/containerd/api/services/containers/v1/containers.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/events/v1/events.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/snapshots/v1/snapshots.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/tasks/v1/tasks.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/version/v1/version.grpc.pb.h"

namespace riposte {

namespace cd_containers = containerd::services::containers::v1;
namespace cd_tasks = containerd::services::tasks::v1;
namespace cd_events = containerd::services::events::v1;
namespace cd_version = containerd::services::version::v1;
namespace cd_snapshots = containerd::services::snapshots::v1;
namespace cd_types = containerd::v1::types;

struct ContainerdClient::Stubs {
  std::unique_ptr<cd_containers::Containers::Stub> containers;
  std::unique_ptr<cd_tasks::Tasks::Stub> tasks;
  std::unique_ptr<cd_events::Events::Stub> events;
  std::unique_ptr<cd_version::Version::Stub> version;
  std::unique_ptr<cd_snapshots::Snapshots::Stub> snapshots;
};

namespace {

int64_t TimestampNs(const google::protobuf::Timestamp& t) {
  return static_cast<int64_t>(t.seconds()) * 1000000000 + t.nanos();
}

ContainerRecord RecordFrom(const std::string& ns, const cd_containers::Container& c) {
  ContainerRecord r;
  r.runtime_namespace = ns;
  r.id = c.id();
  r.image = c.image();
  r.labels.insert(c.labels().begin(), c.labels().end());
  r.created_ns = TimestampNs(c.created_at());
  // The spec is an Any whose bytes are the OCI spec as JSON.
  if (c.has_spec()) r.spec = nlohmann::json::parse(c.spec().value(), nullptr, /*allow_exceptions=*/false);
  if (r.spec.is_discarded()) r.spec = nullptr;
  r.snapshotter = c.snapshotter();
  r.snapshot_key = c.snapshot_key();
  return r;
}

TaskStatus StatusFrom(cd_types::Status s) {
  switch (s) {
    case cd_types::CREATED: return TaskStatus::kCreated;
    case cd_types::RUNNING: return TaskStatus::kRunning;
    case cd_types::STOPPED: return TaskStatus::kStopped;
    case cd_types::PAUSED: return TaskStatus::kPaused;
    case cd_types::PAUSING: return TaskStatus::kPausing;
    default: return TaskStatus::kUnknown;
  }
}

// The container an event is about, read from the event's own message.
template <typename Message>
std::string ContainerIdOf(const google::protobuf::Any& any, std::string (*get)(const Message&)) {
  Message m;
  if (!m.ParseFromString(any.value())) return {};
  return get(m);
}

std::string EventContainerId(const std::string& topic, const google::protobuf::Any& any) {
  using namespace containerd::events;
  if (topic == "/containers/create")
    return ContainerIdOf<ContainerCreate>(any, [](const ContainerCreate& m) { return m.id(); });
  if (topic == "/containers/update")
    return ContainerIdOf<ContainerUpdate>(any, [](const ContainerUpdate& m) { return m.id(); });
  if (topic == "/containers/delete")
    return ContainerIdOf<ContainerDelete>(any, [](const ContainerDelete& m) { return m.id(); });
  if (topic == "/tasks/start") return ContainerIdOf<TaskStart>(any, [](const TaskStart& m) { return m.container_id(); });
  if (topic == "/tasks/exit") return ContainerIdOf<TaskExit>(any, [](const TaskExit& m) { return m.container_id(); });
  if (topic == "/tasks/delete")
    return ContainerIdOf<TaskDelete>(any, [](const TaskDelete& m) { return m.container_id(); });
  if (topic == "/tasks/oom") return ContainerIdOf<TaskOOM>(any, [](const TaskOOM& m) { return m.container_id(); });
  if (topic == "/tasks/paused")
    return ContainerIdOf<TaskPaused>(any, [](const TaskPaused& m) { return m.container_id(); });
  if (topic == "/tasks/resumed")
    return ContainerIdOf<TaskResumed>(any, [](const TaskResumed& m) { return m.container_id(); });
  return {};
}

}  // namespace

std::string_view TaskStatusName(TaskStatus s) {
  switch (s) {
    case TaskStatus::kCreated: return "CREATED";
    case TaskStatus::kRunning: return "RUNNING";
    case TaskStatus::kStopped: return "STOPPED";
    case TaskStatus::kPaused: return "PAUSED";
    case TaskStatus::kPausing: return "PAUSING";
    case TaskStatus::kUnknown: break;
  }
  return "UNKNOWN";
}

void EventSubscription::Cancel() {
  std::lock_guard lock(mu_);
  cancelled_ = true;
  if (ctx_) ctx_->TryCancel();
}

ContainerdClient::ContainerdClient(std::string socket_path, std::chrono::milliseconds call_timeout)
    : socket_path_(std::move(socket_path)),
      call_timeout_(call_timeout),
      channel_(UnixSocketChannel(socket_path_)),
      stubs_(std::make_unique<Stubs>()) {
  stubs_->containers = cd_containers::Containers::NewStub(channel_);
  stubs_->tasks = cd_tasks::Tasks::NewStub(channel_);
  stubs_->events = cd_events::Events::NewStub(channel_);
  stubs_->version = cd_version::Version::NewStub(channel_);
  stubs_->snapshots = cd_snapshots::Snapshots::NewStub(channel_);
}

ContainerdClient::~ContainerdClient() = default;

Result<std::vector<ContainerRecord>> ContainerdClient::ListContainers(const std::string& ns) {
  grpc::ClientContext ctx;
  PrepareContext(ctx, call_timeout_, ns);
  cd_containers::ListContainersRequest req;
  cd_containers::ListContainersResponse resp;
  grpc::Status s = stubs_->containers->List(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("containerd list containers", s);
  std::vector<ContainerRecord> out;
  out.reserve(resp.containers_size());
  for (const auto& c : resp.containers()) out.push_back(RecordFrom(ns, c));
  return out;
}

Result<ContainerRecord> ContainerdClient::GetContainer(const std::string& ns, const std::string& id) {
  grpc::ClientContext ctx;
  PrepareContext(ctx, call_timeout_, ns);
  cd_containers::GetContainerRequest req;
  req.set_id(id);
  cd_containers::GetContainerResponse resp;
  grpc::Status s = stubs_->containers->Get(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("containerd get container", s);
  return RecordFrom(ns, resp.container());
}

Result<TaskState> ContainerdClient::GetTask(const std::string& ns, const std::string& id) {
  grpc::ClientContext ctx;
  PrepareContext(ctx, call_timeout_, ns);
  cd_tasks::GetRequest req;
  req.set_container_id(id);
  cd_tasks::GetResponse resp;
  grpc::Status s = stubs_->tasks->Get(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("containerd get task", s);
  return TaskState{resp.process().pid(), StatusFrom(resp.process().status()), resp.process().exit_status()};
}

Status ContainerdClient::PauseTask(const std::string& ns, const std::string& id) {
  grpc::ClientContext ctx;
  PrepareContext(ctx, call_timeout_, ns);
  cd_tasks::PauseTaskRequest req;
  req.set_container_id(id);
  google::protobuf::Empty resp;
  grpc::Status s = stubs_->tasks->Pause(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("containerd pause", s);
  return Status::Ok();
}

Status ContainerdClient::ResumeTask(const std::string& ns, const std::string& id) {
  grpc::ClientContext ctx;
  PrepareContext(ctx, call_timeout_, ns);
  cd_tasks::ResumeTaskRequest req;
  req.set_container_id(id);
  google::protobuf::Empty resp;
  grpc::Status s = stubs_->tasks->Resume(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("containerd resume", s);
  return Status::Ok();
}

Status ContainerdClient::KillTask(const std::string& ns, const std::string& id, int signal, bool all) {
  grpc::ClientContext ctx;
  PrepareContext(ctx, call_timeout_, ns);
  cd_tasks::KillRequest req;
  req.set_container_id(id);
  req.set_signal(static_cast<uint32_t>(signal));
  req.set_all(all);
  google::protobuf::Empty resp;
  grpc::Status s = stubs_->tasks->Kill(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("containerd kill", s);
  return Status::Ok();
}

Status ContainerdClient::DeleteTask(const std::string& ns, const std::string& id) {
  grpc::ClientContext ctx;
  PrepareContext(ctx, call_timeout_, ns);
  cd_tasks::DeleteTaskRequest req;
  req.set_container_id(id);
  cd_tasks::DeleteResponse resp;
  grpc::Status s = stubs_->tasks->Delete(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("containerd delete task", s);
  return Status::Ok();
}

Status ContainerdClient::UpdateSpec(const std::string& ns, const std::string& id, const nlohmann::json& spec) {
  grpc::ClientContext ctx;
  PrepareContext(ctx, call_timeout_, ns);
  cd_containers::UpdateContainerRequest req;
  req.mutable_container()->set_id(id);
  // containerd stores the spec as an Any carrying the OCI spec's JSON.
  req.mutable_container()->mutable_spec()->set_type_url("types.containerd.io/opencontainers/runtime-spec/1/Spec");
  req.mutable_container()->mutable_spec()->set_value(spec.dump());
  req.mutable_update_mask()->add_paths("spec");
  cd_containers::UpdateContainerResponse resp;
  grpc::Status s = stubs_->containers->Update(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("containerd update container", s);
  return Status::Ok();
}

Result<uint32_t> ContainerdClient::CreateAndStartTask(const ContainerRecord& c) {
  cd_snapshots::MountsResponse mounts;
  {
    grpc::ClientContext ctx;
    PrepareContext(ctx, call_timeout_, c.runtime_namespace);
    cd_snapshots::MountsRequest req;
    req.set_snapshotter(c.snapshotter);
    req.set_key(c.snapshot_key);
    grpc::Status s = stubs_->snapshots->Mounts(&ctx, req, &mounts);
    if (!s.ok()) return RuntimeCallError("containerd snapshot mounts", s);
  }
  {
    grpc::ClientContext ctx;
    PrepareContext(ctx, call_timeout_, c.runtime_namespace);
    cd_tasks::CreateTaskRequest req;
    req.set_container_id(c.id);
    for (const auto& m : mounts.mounts()) *req.add_rootfs() = m;
    cd_tasks::CreateTaskResponse resp;
    grpc::Status s = stubs_->tasks->Create(&ctx, req, &resp);
    if (!s.ok()) return RuntimeCallError("containerd create task", s);
  }
  grpc::ClientContext ctx;
  PrepareContext(ctx, call_timeout_, c.runtime_namespace);
  cd_tasks::StartRequest req;
  req.set_container_id(c.id);
  cd_tasks::StartResponse resp;
  grpc::Status s = stubs_->tasks->Start(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("containerd start task", s);
  return resp.pid();
}

Status ContainerdClient::DeleteContainer(const std::string& ns, const std::string& id) {
  grpc::ClientContext ctx;
  PrepareContext(ctx, call_timeout_, ns);
  cd_containers::DeleteContainerRequest req;
  req.set_id(id);
  google::protobuf::Empty resp;
  grpc::Status s = stubs_->containers->Delete(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("containerd delete container", s);
  return Status::Ok();
}

Result<std::string> ContainerdClient::Version() {
  grpc::ClientContext ctx;
  PrepareContext(ctx, call_timeout_, "");
  google::protobuf::Empty req;
  cd_version::VersionResponse resp;
  grpc::Status s = stubs_->version->Version(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("containerd version", s);
  return resp.version();
}

Status ContainerdClient::Subscribe(const std::function<void(const RuntimeEvent&)>& on_event,
                                   EventSubscription& subscription) {
  grpc::ClientContext ctx;
  {
    std::lock_guard lock(subscription.mu_);
    if (subscription.cancelled_) return Error{"cancelled"};
    subscription.ctx_ = &ctx;
  }
  cd_events::SubscribeRequest req;
  req.add_filters("topic~=\"^/containers/\"");
  req.add_filters("topic~=\"^/tasks/\"");
  auto reader = stubs_->events->Subscribe(&ctx, req);
  cd_events::Envelope envelope;
  while (reader->Read(&envelope)) {
    RuntimeEvent e{envelope.namespace_(), envelope.topic(), EventContainerId(envelope.topic(), envelope.event())};
    on_event(e);
  }
  grpc::Status s = reader->Finish();
  {
    std::lock_guard lock(subscription.mu_);
    subscription.ctx_ = nullptr;
  }
  if (s.ok()) return Error{"containerd closed the event stream", ErrorKind::kUnavailable};
  return RuntimeCallError("containerd events", s);
}

}  // namespace riposte
