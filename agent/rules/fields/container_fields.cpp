// container.* and k8s.*: the workload around the process. The id comes from the cgroup
// path today; image, name, mounts and pod metadata come from containerd and CRI (until
// those clients land, those fields have no value).
#include "rules/field_registry.h"
#include "state/process_info.h"

namespace riposte {
namespace {

using V = std::vector<FieldValue>;

void None(EvalContext&, const FieldArg&, V&) {}

}  // namespace

std::vector<FieldDef> ContainerFields() {
  using K = FieldType;
  using A = FieldArgMode;
  return {
      {"container.id", K::kString, A::kNone, "container id, 12 characters (Falco's short form), or 'host'",
       [](EvalContext& c, const FieldArg&, V& out) {
         const ProcessInfo* p = c.event.process;
         if (!p) return;
         if (p->container_id.empty()) out.push_back({"host", 0});
         else out.push_back({std::string_view(p->container_id).substr(0, 12), 0});
       }},
      {"container.full_id", K::kString, A::kNone, "full container id, or 'host'",
       [](EvalContext& c, const FieldArg&, V& out) {
         const ProcessInfo* p = c.event.process;
         if (!p) return;
         out.push_back({p->container_id.empty() ? std::string_view("host") : std::string_view(p->container_id), 0});
       }},
      {"container.name", K::kString, A::kNone, "container name ('host' on the host)",
       [](EvalContext& c, const FieldArg&, V& out) {
         const ProcessInfo* p = c.event.process;
         if (p && p->container_id.empty()) out.push_back({"host", 0});
       }},
      {"container.image", K::kString, A::kNone, "image (from containerd; no value yet)", None},
      {"container.image.repository", K::kString, A::kNone, "image repository (from containerd; no value yet)", None},
      {"container.image.tag", K::kString, A::kNone, "image tag (from containerd; no value yet)", None},
      {"container.privileged", K::kBool, A::kNone, "privileged container (from containerd; no value yet)", None},
      {"container.mounts", K::kString, A::kNone, "mounts (from containerd; no value yet)", None},
      {"container.mount.dest", K::kString, A::kRequiredKey, "mount by destination (glob) (from containerd; no value yet)", None},
      {"container.start_ts", K::kInt, A::kNone, "container start (from containerd; no value yet)", None},
      {"k8s.ns.name", K::kString, A::kNone, "pod namespace (from CRI; no value yet)", None},
      {"k8s.pod.name", K::kString, A::kNone, "pod name (from CRI; no value yet)", None},
      {"k8s.pod.uid", K::kString, A::kNone, "pod uid (from CRI; no value yet)", None},
      {"k8s.pod.labels", K::kString, A::kNone, "pod labels (from CRI; no value yet)", None},
      {"k8s.pod.label", K::kString, A::kRequiredKey, "one pod label (from CRI; no value yet)", None},
  };
}

}  // namespace riposte
