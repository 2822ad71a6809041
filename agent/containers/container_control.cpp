#include "containers/container_control.h"

#include "containers/engine_description.h"

namespace riposte {

Result<TaskState> EngineApiControl::Task(const ContainerInfo& c) {
  auto inspect = client_.InspectContainer(c.id);
  if (!inspect) return inspect.error();
  return EngineTaskState(*inspect);
}

}  // namespace riposte
