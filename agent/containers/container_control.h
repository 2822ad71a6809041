// What the container responders ask of whatever runs a container: its task's state, and
// pause, resume, signal, stop. containerd answers for the containers it runs (and, as a
// fallback, for dockerd's); a Docker-API engine for its own, so that its view of the
// container (`docker ps` saying Paused) stays true.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.h"
#include "containers/containerd_client.h"
#include "containers/cri_client.h"
#include "containers/docker_api_client.h"
#include "state/container_info.h"

namespace riposte {

class ContainerControl {
 public:
  virtual ~ContainerControl() = default;
  virtual std::string_view engine() const = 0;  // "containerd", "docker", "podman"
  virtual const std::string& socket() const = 0;
  virtual Result<TaskState> Task(const ContainerInfo& c) = 0;
  virtual Status Pause(const ContainerInfo& c) = 0;
  virtual Status Resume(const ContainerInfo& c) = 0;
  // The signal to the container's init process or, with `all`, to every process where
  // the engine can do that (containerd can; a Docker-API engine signals init only).
  virtual Status Signal(const ContainerInfo& c, int signal, bool all) = 0;
  virtual bool SignalsEveryProcess() const = 0;
  // Whether the engine sequences a stop itself (SIGTERM, SIGKILL after the grace period);
  // when not, the responder does it with Signal.
  virtual bool StopsGracefully() const { return false; }
  virtual Status Stop(const ContainerInfo&, std::chrono::seconds) {
    return Error{std::string(engine()) + " has no stop call of its own"};
  }
};

class ContainerdControl final : public ContainerControl {
 public:
  explicit ContainerdControl(ContainerdClient& client) : client_(client) {}
  std::string_view engine() const override { return "containerd"; }
  const std::string& socket() const override { return client_.socket_path(); }
  Result<TaskState> Task(const ContainerInfo& c) override { return client_.GetTask(c.runtime_namespace, c.id); }
  Status Pause(const ContainerInfo& c) override { return client_.PauseTask(c.runtime_namespace, c.id); }
  Status Resume(const ContainerInfo& c) override { return client_.ResumeTask(c.runtime_namespace, c.id); }
  Status Signal(const ContainerInfo& c, int signal, bool all) override {
    return client_.KillTask(c.runtime_namespace, c.id, signal, all);
  }
  bool SignalsEveryProcess() const override { return true; }

 private:
  ContainerdClient& client_;
};

class EngineApiControl final : public ContainerControl {
 public:
  EngineApiControl(std::string engine, DockerApiClient& client) : engine_(std::move(engine)), client_(client) {}
  std::string_view engine() const override { return engine_; }
  const std::string& socket() const override { return client_.socket_path(); }
  Result<TaskState> Task(const ContainerInfo& c) override;
  Status Pause(const ContainerInfo& c) override { return client_.Pause(c.id); }
  Status Resume(const ContainerInfo& c) override { return client_.Unpause(c.id); }
  Status Signal(const ContainerInfo& c, int signal, bool) override { return client_.Kill(c.id, signal); }
  bool SignalsEveryProcess() const override { return false; }
  bool StopsGracefully() const override { return true; }
  Status Stop(const ContainerInfo& c, std::chrono::seconds grace) override { return client_.Stop(c.id, grace); }

 private:
  std::string engine_;
  DockerApiClient& client_;
};

// A container riposte knows only through a CRI socket (CRI-O's, or a runtime whose own API
// is not configured). CRI stops containers and does nothing else a responder asks: it has
// no pause and no signal call (the kubelet cannot pause either), so those are refused with
// that reason; a SIGKILL is CRI's stop with no grace, which ends every process.
class CriControl final : public ContainerControl {
 public:
  explicit CriControl(CriClient& client) : client_(client) {}
  std::string_view engine() const override { return "cri"; }
  const std::string& socket() const override { return client_.socket_path(); }
  Result<TaskState> Task(const ContainerInfo& c) override;
  Status Pause(const ContainerInfo&) override;
  Status Resume(const ContainerInfo&) override;
  Status Signal(const ContainerInfo& c, int signal, bool all) override;
  bool SignalsEveryProcess() const override { return true; }
  bool StopsGracefully() const override { return true; }
  Status Stop(const ContainerInfo& c, std::chrono::seconds grace) override {
    return client_.StopContainer(c.id, grace.count());
  }

 private:
  CriClient& client_;
};

}  // namespace riposte
