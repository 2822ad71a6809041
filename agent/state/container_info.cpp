#include "state/container_info.h"

namespace riposte {

void RenderContainerText(ContainerInfo& info) {
  // Falco's form: space-separated source:dest:mode:rw:propagation.
  info.mounts_text.clear();
  for (const auto& m : info.mounts) {
    if (!info.mounts_text.empty()) info.mounts_text += ',';  // the container plugin joins with commas
    info.mounts_text += m.source + ':' + m.dest + ':' + m.mode + ':' + (m.read_write ? "true" : "false") + ':' +
                        m.propagation;
  }
  info.pod_labels_text.clear();
  for (const auto& [k, v] : info.pod_labels) {
    if (!info.pod_labels_text.empty()) info.pod_labels_text += ", ";
    info.pod_labels_text += k + ':' + v;
  }
}

void ContainerEntry::Publish(ContainerInfo info) {
  RenderContainerText(info);
  {
    std::lock_guard lock(mu_);
    versions_.push_back(std::make_unique<const ContainerInfo>(std::move(info)));
    current_.store(versions_.back().get(), std::memory_order_release);
  }
}

}  // namespace riposte
