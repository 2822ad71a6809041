#include "containers/container_control.h"

#include <csignal>

#include "containers/cri_description.h"
#include "containers/engine_description.h"

namespace riposte {

Result<TaskState> EngineApiControl::Task(const ContainerInfo& c) {
  auto inspect = client_.InspectContainer(c.id);
  if (!inspect) return inspect.error();
  return EngineTaskState(*inspect);
}

Result<TaskState> CriControl::Task(const ContainerInfo& c) {
  auto status = client_.ContainerStatus(c.id, /*verbose=*/true);
  if (!status) return status.error();
  return CriTaskState(*status);
}

Status CriControl::Pause(const ContainerInfo&) {
  return Error{"CRI has no pause call: a container known only through CRI (" + client_.socket_path() +
               ") cannot be paused; stop it instead"};
}

Status CriControl::Resume(const ContainerInfo&) {
  return Error{"CRI has no pause call, so nothing to resume through " + client_.socket_path()};
}

Status CriControl::Signal(const ContainerInfo& c, int signal, bool) {
  if (signal == SIGKILL) return client_.StopContainer(c.id, 0);
  return Error{"CRI has no signal call: only SIGKILL (a stop without grace) reaches a container known only through "
               "CRI (" + client_.socket_path() + ")"};
}

}  // namespace riposte
