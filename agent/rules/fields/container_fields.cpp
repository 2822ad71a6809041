// container.* and k8s.*: the workload around the process. The id comes from the cgroup
// path; everything else from the runtime's description of the container (containerd for
// the container, CRI for its pod), which the state stage attaches to the process. A
// field has no value until the runtime has answered. On the host container.id and
// container.name say "host" (Falco's convention), the image fields, container.mounts and
// k8s.pod.labels are "" and container.privileged false (as the container plugin answers),
// and every other field has no value.
#include <re2/re2.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>

#include "rules/field_registry.h"
#include "rules/fields/process_times.h"
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

// container.mount*[ARG], as the container plugin reads them: a number is an index into
// the mounts; anything else is a regular expression searched (not anchored) in each
// mount's source (its destination for container.mount.source), the first match wins. No
// mount, no value.
enum class MountBy { kSource, kDest };
enum class Part { kWhole, kSource, kDest, kMode, kReadWrite, kPropagation };

const re2::RE2& CachedRegex(const std::string& pattern) {
  thread_local std::map<std::string, std::unique_ptr<re2::RE2>> cache;
  auto& re = cache[pattern];
  if (!re) {
    re2::RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_posix_syntax(true);
    opts.set_one_line(false);  // (?m): ^ and $ at line ends, as the plugin's pattern
    re = std::make_unique<re2::RE2>(pattern, opts);
  }
  return *re;
}

const ContainerMount* FindMount(const ContainerInfo& info, const std::string& arg, MountBy by) {
  if (!arg.empty() && std::all_of(arg.begin(), arg.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    size_t idx = std::strtoull(arg.c_str(), nullptr, 10);
    return idx < info.mounts.size() ? &info.mounts[idx] : nullptr;
  }
  const re2::RE2& re = CachedRegex(arg);
  if (!re.ok()) return nullptr;
  for (const auto& m : info.mounts)
    if (re2::RE2::PartialMatch(by == MountBy::kSource ? m.source : m.dest, re)) return &m;
  return nullptr;
}

template <MountBy By, Part What>
void MountPart(EvalContext& c, const FieldArg& a, V& out) {
  const ContainerInfo* i = Info(c);
  if (!i) return;
  const ContainerMount* m = FindMount(*i, a.key, By);
  if (!m) return;
  switch (What) {
    case Part::kWhole:
      out.push_back({c.Keep(m->source + ':' + m->dest + ':' + m->mode + ':' + (m->read_write ? "true" : "false") + ':' +
                            m->propagation),
                     0});
      break;
    case Part::kSource: out.push_back({m->source, 0}); break;
    case Part::kDest: out.push_back({m->dest, 0}); break;
    case Part::kMode: out.push_back({m->mode, 0}); break;
    case Part::kReadWrite: out.push_back({m->read_write ? "true" : "false", 0}); break;
    case Part::kPropagation: out.push_back({m->propagation, 0}); break;
  }
}

// The same, but "" on the host, as the container plugin answers there (image fields,
// pod labels).
template <std::string ContainerInfo::*Member>
void RuntimeTextEmptyOnHost(EvalContext& c, const FieldArg& a, V& out) {
  if (OnHost(c)) return out.push_back({"", 0});
  RuntimeText<Member>(c, a, out);
}

// container.labels: the container's labels, "key:value, key" (sorted), without the
// runtime's annotations and Kubernetes' own io.kubernetes.* labels, as the plugin joins them.
std::string LabelsText(const std::map<std::string, std::string>& labels) {
  std::string s;
  for (const auto& [k, v] : labels) {
    if (k.starts_with("annotation.") || k.starts_with("io.kubernetes.")) continue;
    s += (s.empty() ? "" : ", ") + k + (v.empty() ? "" : ":" + v);
  }
  return s;
}

// A field only some engines answer (Docker's API): no value when the engine did not.
template <std::optional<std::string> ContainerInfo::*Member>
void EngineText(EvalContext& c, const FieldArg&, V& out) {
  if (const ContainerInfo* i = Info(c); i && (i->*Member)) out.push_back({*(i->*Member), 0});
}
template <std::optional<bool> ContainerInfo::*Member>
void EngineBool(EvalContext& c, const FieldArg&, V& out) {
  if (const ContainerInfo* i = Info(c); i && (i->*Member)) out.push_back({*(i->*Member) ? "true" : "false", *(i->*Member)});
}

// The host's pid namespace: pid 1's, when the table has it.
bool SharesHostPidNamespace(EvalContext& c) {
  const ProcessInfo* p = c.event.process;
  const ProcessInfo* init = c.processes.Find(1);
  return p && init && init->pidns_inum && p->pidns_inum == init->pidns_inum;
}

constexpr std::string_view kDeprecatedK8s =
    "no value: deprecated in Falco (the k8smeta plugin replaces it); the container plugin gives it no value either";
constexpr std::string_view kNoNetworkStatus =
    "no value in riposte yet: it does not ask CRI for the pod sandbox's network status";

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
       "container name: the pod spec's name under Kubernetes, the engine's name under dockerd and podman, the id for "
       "plain containerd, 'host' on the host",
       [](EvalContext& c, const FieldArg& a, V& out) {
         if (OnHost(c)) return out.push_back({"host", 0});
         RuntimeText<&ContainerInfo::name>(c, a, out);
       }},
      {"container.image", K::kString, A::kNone, "image reference the container runs", RuntimeTextEmptyOnHost<&ContainerInfo::image>},
      {"container.image.repository", K::kString, A::kNone, "image repository (reference without tag or digest)",
       RuntimeTextEmptyOnHost<&ContainerInfo::image_repository>},
      {"container.image.tag", K::kString, A::kNone, "image tag", RuntimeTextEmptyOnHost<&ContainerInfo::image_tag>},
      {"container.privileged", K::kBool, A::kNone, "the container runs privileged",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (OnHost(c)) return out.push_back({"false", 0});
         if (const ContainerInfo* i = Info(c)) out.push_back({i->privileged ? "true" : "false", i->privileged});
       }},
      {"container.mounts", K::kString, A::kNone, "mounts, comma-separated source:dest:mode:rw:propagation ('' on the host)",
       [](EvalContext& c, const FieldArg&, V& out) {
         // "" for a container without mounts too, as the plugin answers
         if (OnHost(c)) return out.push_back({"", 0});
         if (const ContainerInfo* i = Info(c)) out.push_back({i->mounts_text, 0});
       }},
      {"container.mount", K::kString, A::kRequiredKey,
       "one mount as source:dest:mode:rw:propagation: container.mount[0], or the first whose source matches a regex",
       MountPart<MountBy::kSource, Part::kWhole>},
      {"container.mount.source", K::kString, A::kRequiredKey,
       "the source of the mount whose destination matches: container.mount.source[/etc] (or by index)",
       MountPart<MountBy::kDest, Part::kSource>},
      {"container.mount.dest", K::kString, A::kRequiredKey,
       "the destination of the mount whose source matches: container.mount.dest[/var/run/docker.sock] (or by index)",
       MountPart<MountBy::kSource, Part::kDest>},
      {"container.mount.mode", K::kString, A::kRequiredKey, "the mode of the mount whose source matches (or by index)",
       MountPart<MountBy::kSource, Part::kMode>},
      {"container.mount.rdwr", K::kString, A::kRequiredKey, "'true' if the mount whose source matches is writable (or by index)",
       MountPart<MountBy::kSource, Part::kReadWrite>},
      {"container.mount.propagation", K::kString, A::kRequiredKey,
       "the propagation of the mount whose source matches (or by index)", MountPart<MountBy::kSource, Part::kPropagation>},
      // As Falco's container plugin: the start of the process' pid namespace (its init's
      // start), for host processes too; a container's init starts with the container.
      {"container.start_ts", K::kInt, A::kNone, "start of the process' pid namespace, ns since the epoch (a container's: when it started)",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (const ProcessInfo* p = c.event.process)
           if (auto ts = PidNamespaceStartWallNs(c, *p)) out.push_back({{}, *ts});
       }},
      {"container.type", K::kString, A::kNone, "container engine: docker, podman, containerd, or host",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (OnHost(c)) return out.push_back({"host", 0});
         if (const ContainerInfo* i = Info(c)) out.push_back({i->engine, 0});
       }},
      {"container.duration", K::kInt, A::kNone, "ns since container.start_ts",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (const ProcessInfo* p = c.event.process)
           if (auto ts = PidNamespaceStartWallNs(c, *p)) out.push_back({{}, c.wall_ns - *ts});
       }},
      {"container.label", K::kString, A::kRequiredKey,
       "one label of the container: container.label[com.example.team]",
       [](EvalContext& c, const FieldArg& a, V& out) {
         const ContainerInfo* i = Info(c);
         if (!i) return;
         if (auto it = i->labels.find(a.key); it != i->labels.end()) out.push_back({it->second, 0});
       }},
      {"container.labels", K::kString, A::kNone, "the container's labels, 'key:value, key:value' (io.kubernetes.* left out)",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (const ContainerInfo* i = Info(c)) out.push_back({c.Keep(LabelsText(i->labels)), 0});
       }},
      {"container.host_pid", K::kBool, A::kNone, "the container shares the host's pid namespace",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (!Info(c)) return;
         const bool b = SharesHostPidNamespace(c);
         out.push_back({b ? "true" : "false", b});
       }},
      {"container.host_network", K::kBool, A::kNone,
       "the container uses the host's network namespace (from the engine, or from containerd's spec)",
       EngineBool<&ContainerInfo::host_network>},
      {"container.host_ipc", K::kBool, A::kNone,
       "the container uses the host's IPC namespace (from the engine, or from containerd's spec)",
       EngineBool<&ContainerInfo::host_ipc>},
      {"container.image.id", K::kString, A::kNone,
       "the image's id without 'sha256:' (dockerd, podman; no value for containerd's containers yet)",
       EngineText<&ContainerInfo::image_id>},
      {"container.image.digest", K::kString, A::kNone,
       "the image's registry digest, '' for a local image (dockerd, podman; no value for containerd's containers yet)",
       EngineText<&ContainerInfo::image_digest>},
      {"container.ip", K::kString, A::kNone,
       "the container's address on the engine's default network (dockerd, podman); no value for CRI pods yet",
       EngineText<&ContainerInfo::ip>},
      NoValue("container.cni.json", K::kString, A::kNone, kNoNetworkStatus),
      NoValue("k8s.pod.ip", K::kString, A::kNone, kNoNetworkStatus),
      NoValue("k8s.pod.cni.json", K::kString, A::kNone, kNoNetworkStatus),
      NoValue("container.healthcheck", K::kString, A::kNone, "no value: deprecated in Falco, whose plugin gives it no value either"),
      NoValue("container.liveness_probe", K::kString, A::kNone, "no value: deprecated in Falco, whose plugin gives it no value either"),
      NoValue("container.readiness_probe", K::kString, A::kNone, "no value: deprecated in Falco, whose plugin gives it no value either"),
      NoValue("k8s.rc.name", K::kString, A::kNone, kDeprecatedK8s),
      NoValue("k8s.rc.id", K::kString, A::kNone, kDeprecatedK8s),
      NoValue("k8s.rc.label", K::kString, A::kRequiredKey, kDeprecatedK8s),
      NoValue("k8s.rc.labels", K::kString, A::kNone, kDeprecatedK8s),
      NoValue("k8s.svc.name", K::kString, A::kNone, kDeprecatedK8s),
      NoValue("k8s.svc.id", K::kString, A::kNone, kDeprecatedK8s),
      NoValue("k8s.svc.label", K::kString, A::kRequiredKey, kDeprecatedK8s),
      NoValue("k8s.svc.labels", K::kString, A::kNone, kDeprecatedK8s),
      NoValue("k8s.ns.id", K::kString, A::kNone, kDeprecatedK8s),
      NoValue("k8s.ns.label", K::kString, A::kRequiredKey, kDeprecatedK8s),
      NoValue("k8s.ns.labels", K::kString, A::kNone, kDeprecatedK8s),
      NoValue("k8s.rs.name", K::kString, A::kNone, kDeprecatedK8s),
      NoValue("k8s.rs.id", K::kString, A::kNone, kDeprecatedK8s),
      NoValue("k8s.rs.label", K::kString, A::kRequiredKey, kDeprecatedK8s),
      NoValue("k8s.rs.labels", K::kString, A::kNone, kDeprecatedK8s),
      NoValue("k8s.deployment.name", K::kString, A::kNone, kDeprecatedK8s),
      NoValue("k8s.deployment.id", K::kString, A::kNone, kDeprecatedK8s),
      NoValue("k8s.deployment.label", K::kString, A::kRequiredKey, kDeprecatedK8s),
      NoValue("k8s.deployment.labels", K::kString, A::kNone, kDeprecatedK8s),
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
       RuntimeTextEmptyOnHost<&ContainerInfo::pod_labels_text>},
      {"k8s.pod.label", K::kString, A::kRequiredKey, "one pod label: k8s.pod.label[app]",
       [](EvalContext& c, const FieldArg& a, V& out) {
         const ContainerInfo* i = Info(c);
         if (!i) return;
         if (auto it = i->pod_labels.find(a.key); it != i->pod_labels.end()) out.push_back({it->second, 0});
       }},
  };
}

}  // namespace riposte
