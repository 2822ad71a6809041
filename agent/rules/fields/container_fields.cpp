// container.* and k8s.*: the workload around the process. The id comes from the cgroup
// path; everything else from the runtime's description of the container (containerd for
// the container, CRI for its pod), which the state stage attaches to the process. A
// field has no value until the runtime has answered. On the host container.id and
// container.name say "host" (Falco's convention) and every other field has no value, so
// a Falco condition like `container.image.repository in (...)` is false there.
#include <fnmatch.h>

#include "rules/field_registry.h"
#include "state/process_info.h"

namespace riposte {
namespace {

using V = std::vector<FieldValue>;

const ContainerInfo* Info(EvalContext& c) {
  const ProcessInfo* p = c.event.process;
  return p && p->container ? p->container->info() : nullptr;
}
bool OnHost(EvalContext& c) { return c.event.process && c.event.process->container_id.empty(); }

void Str(V& out, std::string_view s) {
  if (!s.empty()) out.push_back({s, 0});
}

// A runtime string field: no value on the host, before the runtime answered, or (for the
// pod fields) outside Kubernetes.
template <std::string ContainerInfo::*Member>
void RuntimeText(EvalContext& c, const FieldArg&, V& out) {
  if (const ContainerInfo* i = Info(c)) Str(out, i->*Member);
}

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
      {"container.name", K::kString, A::kNone,
       "container name: the pod spec's name under Kubernetes, the id for plain containerd, 'host' on the host",
       [](EvalContext& c, const FieldArg& a, V& out) {
         if (OnHost(c)) return out.push_back({"host", 0});
         RuntimeText<&ContainerInfo::name>(c, a, out);
       }},
      {"container.image", K::kString, A::kNone, "image reference the container runs", RuntimeText<&ContainerInfo::image>},
      {"container.image.repository", K::kString, A::kNone, "image repository (reference without tag or digest)",
       RuntimeText<&ContainerInfo::image_repository>},
      {"container.image.tag", K::kString, A::kNone, "image tag", RuntimeText<&ContainerInfo::image_tag>},
      {"container.privileged", K::kBool, A::kNone, "the container runs privileged",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (const ContainerInfo* i = Info(c)) out.push_back({i->privileged ? "true" : "false", i->privileged});
       }},
      {"container.mounts", K::kString, A::kNone, "bind mounts, space-separated source:dest:mode:rw:propagation",
       RuntimeText<&ContainerInfo::mounts_text>},
      {"container.mount.dest", K::kString, A::kRequiredKey,
       "the mount whose destination matches the glob, as source:dest:mode:rw:propagation",
       [](EvalContext& c, const FieldArg& a, V& out) {
         const ContainerInfo* i = Info(c);
         if (!i) return;
         for (const auto& m : i->mounts) {
           if (fnmatch(a.key.c_str(), m.dest.c_str(), 0) == 0) {
             out.push_back({c.Keep(m.source + ':' + m.dest + ':' + m.mode + ':' + (m.read_write ? "true" : "false") +
                                   ':' + m.propagation),
                            0});
             return;
           }
         }
       }},
      {"container.start_ts", K::kInt, A::kNone, "container creation time (ns since the epoch)",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (const ContainerInfo* i = Info(c); i && i->created_ns) out.push_back({{}, i->created_ns});
       }},
      {"k8s.ns.name", K::kString, A::kNone, "pod namespace", RuntimeText<&ContainerInfo::k8s_namespace>},
      {"k8s.pod.name", K::kString, A::kNone, "pod name", RuntimeText<&ContainerInfo::pod_name>},
      {"k8s.pod.uid", K::kString, A::kNone, "pod uid", RuntimeText<&ContainerInfo::pod_uid>},
      {"k8s.pod.id", K::kString, A::kNone, "pod uid (Falco's older name)", RuntimeText<&ContainerInfo::pod_uid>},
      {"k8s.pod.sandbox_id", K::kString, A::kNone, "pod sandbox id, 12 characters",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (const ContainerInfo* i = Info(c)) Str(out, std::string_view(i->sandbox_id).substr(0, 12));
       }},
      {"k8s.pod.full_sandbox_id", K::kString, A::kNone, "pod sandbox id", RuntimeText<&ContainerInfo::sandbox_id>},
      {"k8s.pod.labels", K::kString, A::kNone, "pod labels, 'key:value, key:value'",
       RuntimeText<&ContainerInfo::pod_labels_text>},
      {"k8s.pod.label", K::kString, A::kRequiredKey, "one pod label: k8s.pod.label[app]",
       [](EvalContext& c, const FieldArg& a, V& out) {
         const ContainerInfo* i = Info(c);
         if (!i) return;
         if (auto it = i->pod_labels.find(a.key); it != i->pod_labels.end()) out.push_back({it->second, 0});
       }},
  };
}

}  // namespace riposte
