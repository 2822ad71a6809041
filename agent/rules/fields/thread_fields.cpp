// thread.* beyond the id and capabilities: the thread itself (main or not, its id in its
// pid namespace, its cgroup), and the scheduler and memory counters Falco takes from
// events riposte does not capture (those exist, say why, and have no value).
#include <string>

#include "rules/field_registry.h"
#include "state/process_info.h"

namespace riposte {
namespace {

using V = std::vector<FieldValue>;

constexpr std::string_view kNoScheduler =
    "no value in riposte: Falco computes it from scheduler switch events, which riposte does not capture";
constexpr std::string_view kNoMemory =
    "no value in riposte: Falco takes it from the exec and clone records' memory counters, which riposte's do not carry";

// Falco lists a thread's cgroups as "controller=path", one per controller. On the unified
// (v2) hierarchy every controller has the same path, which is what riposte knows: it is
// printed for the hierarchy as a whole, "unified=PATH".
std::string CgroupsText(const ProcessInfo& p) { return p.cgroup.empty() ? std::string() : "unified=" + p.cgroup; }

}  // namespace

std::vector<FieldDef> ThreadFields() {
  using K = FieldType;
  using A = FieldArgMode;
  return {
      {"thread.ismain", K::kBool, A::kNone, "the event's thread is the process' main thread",
       [](EvalContext& c, const FieldArg&, V& out) {
         const bool main = c.event.tid == c.event.pid;
         out.push_back({main ? "true" : "false", main});
       }},
      {"thread.vtid", K::kInt, A::kNone, "thread id in its pid namespace (known for main threads: their vpid)",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (const ProcessInfo* p = c.event.process; p && c.event.tid == c.event.pid) out.push_back({{}, p->vpid});
       }},
      {"thread.nametid", K::kString, A::kNone, "process name and thread id chained (bash1234)",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (const ProcessInfo* p = c.event.process) out.push_back({c.Keep(p->comm + std::to_string(c.event.tid)), 0});
       }},
      {"thread.cgroups", K::kString, A::kNone, "the thread's cgroups: unified=PATH on a cgroup v2 host",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (const ProcessInfo* p = c.event.process; p && !p->cgroup.empty()) out.push_back({c.Keep(CgroupsText(*p)), 0});
       }},
      {"thread.cgroup", K::kString, A::kRequiredKey,
       "the thread's cgroup for a controller (thread.cgroup.memory): on cgroup v2, the one path, for any controller",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (const ProcessInfo* p = c.event.process; p && !p->cgroup.empty()) out.push_back({p->cgroup, 0});
       }},
      NoValue("thread.exectime", K::kInt, A::kNone, kNoScheduler),
      NoValue("thread.totexectime", K::kInt, A::kNone, kNoScheduler),
      NoValue("thread.cpu", K::kString, A::kNone, kNoScheduler),
      NoValue("thread.cpu.user", K::kString, A::kNone, kNoScheduler),
      NoValue("thread.cpu.system", K::kString, A::kNone, kNoScheduler),
      NoValue("thread.pfmajor", K::kInt, A::kNone, kNoMemory),
      NoValue("thread.pfminor", K::kInt, A::kNone, kNoMemory),
      NoValue("thread.vmsize", K::kInt, A::kNone, kNoMemory),
      NoValue("thread.vmrss", K::kInt, A::kNone, kNoMemory),
      NoValue("thread.vmsize.b", K::kInt, A::kNone, kNoMemory),
      NoValue("thread.vmrss.b", K::kInt, A::kNone, kNoMemory),
      NoValue("proc.vmsize", K::kInt, A::kNone, kNoMemory),
      NoValue("proc.vmrss", K::kInt, A::kNone, kNoMemory),
      NoValue("proc.vmswap", K::kInt, A::kNone, kNoMemory),
      NoValue("proc.fdlimit", K::kInt, A::kNone,
              "no value in riposte: Falco takes the open-file limit from the exec record, which riposte's does not carry"),
      NoValue("proc.fdusage", K::kString, A::kNone,
              "no value in riposte: the ratio of open fds to proc.fdlimit, which riposte does not have"),
      NoValue("proc.nthreads", K::kInt, A::kNone,
              "no value in riposte: the state stage keeps processes, not their threads"),
      NoValue("proc.nchilds", K::kInt, A::kNone,
              "no value in riposte: the state stage keeps processes, not their threads"),
      NoValue("proc.is_exe_writable", K::kBool, A::kNone,
              "no value in riposte yet: the kernel program does not test the executable's write permission"),
  };
}

}  // namespace riposte
