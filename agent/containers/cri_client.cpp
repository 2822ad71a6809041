#include "containers/cri_client.h"

#include <grpcpp/grpcpp.h>

#include "containers/grpc_call.h"
#include "runtime/v1/cri_runtime_v1.grpc.pb.h"

namespace riposte {

namespace cri = runtime::v1;

struct CriClient::Stub {
  std::unique_ptr<cri::RuntimeService::Stub> runtime;
};

namespace {

PodRecord PodFrom(const std::string& id, const cri::PodSandboxMetadata& m,
                  const google::protobuf::Map<std::string, std::string>& labels, cri::PodSandboxState state) {
  PodRecord p;
  p.sandbox_id = id;
  p.name = m.name();
  p.k8s_namespace = m.namespace_();
  p.uid = m.uid();
  p.labels.insert(labels.begin(), labels.end());
  p.ready = state == cri::SANDBOX_READY;
  return p;
}

}  // namespace

CriClient::CriClient(std::string socket_path, std::chrono::milliseconds call_timeout)
    : socket_path_(std::move(socket_path)),
      call_timeout_(call_timeout),
      channel_(UnixSocketChannel(socket_path_)),
      stub_(std::make_unique<Stub>()) {
  stub_->runtime = cri::RuntimeService::NewStub(channel_);
}

CriClient::~CriClient() = default;

Result<CriRuntimeVersion> CriClient::RuntimeVersion() {
  grpc::ClientContext ctx;
  PrepareContext(ctx, call_timeout_, "");
  cri::VersionRequest req;
  req.set_version("v1");
  cri::VersionResponse resp;
  grpc::Status s = stub_->runtime->Version(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("CRI version", s);
  return CriRuntimeVersion{resp.runtime_name(), resp.runtime_version(), resp.runtime_api_version()};
}

Result<std::string> CriClient::Version() {
  auto v = RuntimeVersion();
  if (!v) return v.error();
  return v->runtime_name + " " + v->runtime_version + " (CRI " + v->api_version + ")";
}

Result<PodRecord> CriClient::PodSandboxStatus(const std::string& sandbox_id) {
  grpc::ClientContext ctx;
  PrepareContext(ctx, call_timeout_, "");
  cri::PodSandboxStatusRequest req;
  req.set_pod_sandbox_id(sandbox_id);
  cri::PodSandboxStatusResponse resp;
  grpc::Status s = stub_->runtime->PodSandboxStatus(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("CRI pod sandbox status", s);
  const auto& st = resp.status();
  PodRecord pod = PodFrom(st.id(), st.metadata(), st.labels(), st.state());
  pod.ip = st.network().ip();
  return pod;
}

Result<std::vector<PodRecord>> CriClient::ListPodSandbox() {
  grpc::ClientContext ctx;
  PrepareContext(ctx, call_timeout_, "");
  cri::ListPodSandboxRequest req;
  cri::ListPodSandboxResponse resp;
  grpc::Status s = stub_->runtime->ListPodSandbox(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("CRI list pod sandboxes", s);
  std::vector<PodRecord> out;
  for (const auto& p : resp.items()) out.push_back(PodFrom(p.id(), p.metadata(), p.labels(), p.state()));
  return out;
}

Result<std::vector<CriContainerRecord>> CriClient::ListContainers(const std::string& sandbox_id) {
  grpc::ClientContext ctx;
  PrepareContext(ctx, call_timeout_, "");
  cri::ListContainersRequest req;
  if (!sandbox_id.empty()) req.mutable_filter()->set_pod_sandbox_id(sandbox_id);
  cri::ListContainersResponse resp;
  grpc::Status s = stub_->runtime->ListContainers(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("CRI list containers", s);
  std::vector<CriContainerRecord> out;
  for (const auto& c : resp.containers()) {
    CriContainerRecord r{c.id(), c.pod_sandbox_id(), c.metadata().name(), c.image().image(),
                         cri::ContainerState_Name(c.state()), {}};
    r.labels.insert(c.labels().begin(), c.labels().end());
    out.push_back(std::move(r));
  }
  return out;
}

Result<CriContainerRecord> CriClient::ContainerStatus(const std::string& container_id, bool verbose) {
  grpc::ClientContext ctx;
  PrepareContext(ctx, call_timeout_, "");
  cri::ContainerStatusRequest req;
  req.set_container_id(container_id);
  req.set_verbose(verbose);
  cri::ContainerStatusResponse resp;
  grpc::Status s = stub_->runtime->ContainerStatus(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("CRI container status", s);
  const auto& st = resp.status();
  CriContainerRecord r{st.id(), "", st.metadata().name(), st.image().image(), cri::ContainerState_Name(st.state()), {}};
  r.labels.insert(st.labels().begin(), st.labels().end());
  r.image_ref = st.image_ref();
  r.created_ns = st.created_at();
  for (const auto& m : st.mounts()) {
    std::string propagation = m.propagation() == cri::PROPAGATION_PRIVATE           ? "private"
                              : m.propagation() == cri::PROPAGATION_HOST_TO_CONTAINER ? "rslave"
                                                                                       : "rshared";
    r.mounts.push_back({m.container_path(), m.host_path(), m.readonly(), propagation});
  }
  if (auto it = resp.info().find("info"); it != resp.info().end()) r.verbose_info = it->second;
  return r;
}

Status CriClient::StopContainer(const std::string& container_id, int64_t timeout_s,
                                std::chrono::milliseconds call_timeout) {
  grpc::ClientContext ctx;
  // The runtime answers only once the container is stopped: allow the grace period.
  auto deadline = call_timeout.count() ? call_timeout : call_timeout_ + std::chrono::seconds(timeout_s);
  PrepareContext(ctx, deadline, "");
  cri::StopContainerRequest req;
  req.set_container_id(container_id);
  req.set_timeout(timeout_s);
  cri::StopContainerResponse resp;
  grpc::Status s = stub_->runtime->StopContainer(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("CRI stop container", s);
  return Status::Ok();
}

Result<std::string> CriClient::RunPodSandbox(const cri::PodSandboxConfig& config) {
  grpc::ClientContext ctx;
  PrepareContext(ctx, std::chrono::seconds(60), "");
  cri::RunPodSandboxRequest req;
  *req.mutable_config() = config;
  cri::RunPodSandboxResponse resp;
  grpc::Status s = stub_->runtime->RunPodSandbox(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("CRI run pod sandbox", s);
  return resp.pod_sandbox_id();
}

Result<std::string> CriClient::CreateContainer(const std::string& sandbox_id, const cri::ContainerConfig& config,
                                               const cri::PodSandboxConfig& sandbox_config) {
  grpc::ClientContext ctx;
  PrepareContext(ctx, std::chrono::seconds(60), "");
  cri::CreateContainerRequest req;
  req.set_pod_sandbox_id(sandbox_id);
  *req.mutable_config() = config;
  *req.mutable_sandbox_config() = sandbox_config;
  cri::CreateContainerResponse resp;
  grpc::Status s = stub_->runtime->CreateContainer(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("CRI create container", s);
  return resp.container_id();
}

Status CriClient::StartContainer(const std::string& container_id) {
  grpc::ClientContext ctx;
  PrepareContext(ctx, std::chrono::seconds(60), "");
  cri::StartContainerRequest req;
  req.set_container_id(container_id);
  cri::StartContainerResponse resp;
  grpc::Status s = stub_->runtime->StartContainer(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("CRI start container", s);
  return Status::Ok();
}

Status CriClient::RemoveContainer(const std::string& container_id) {
  grpc::ClientContext ctx;
  PrepareContext(ctx, std::chrono::seconds(60), "");
  cri::RemoveContainerRequest req;
  req.set_container_id(container_id);
  cri::RemoveContainerResponse resp;
  grpc::Status s = stub_->runtime->RemoveContainer(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("CRI remove container", s);
  return Status::Ok();
}

Status CriClient::StopPodSandbox(const std::string& sandbox_id) {
  grpc::ClientContext ctx;
  PrepareContext(ctx, std::chrono::seconds(60), "");
  cri::StopPodSandboxRequest req;
  req.set_pod_sandbox_id(sandbox_id);
  cri::StopPodSandboxResponse resp;
  grpc::Status s = stub_->runtime->StopPodSandbox(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("CRI stop pod sandbox", s);
  return Status::Ok();
}

Status CriClient::RemovePodSandbox(const std::string& sandbox_id) {
  grpc::ClientContext ctx;
  PrepareContext(ctx, std::chrono::seconds(60), "");
  cri::RemovePodSandboxRequest req;
  req.set_pod_sandbox_id(sandbox_id);
  cri::RemovePodSandboxResponse resp;
  grpc::Status s = stub_->runtime->RemovePodSandbox(&ctx, req, &resp);
  if (!s.ok()) return RuntimeCallError("CRI remove pod sandbox", s);
  return Status::Ok();
}

}  // namespace riposte
