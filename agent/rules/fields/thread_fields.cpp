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

// A figure the kernel reported for the process at its exec or last fork (times Scale).
template <uint64_t ProcessInfo::Figures::*Member, uint64_t Scale = 1>
void FigureValue(EvalContext& c, const FieldArg&, V& out) {
  if (const ProcessInfo* p = c.event.process; p && p->figures)
    out.push_back({{}, static_cast<int64_t>(p->figures.value().*Member * Scale)});
}

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
      {"thread.cgroups", K::kString, A::kNone,
       "the thread's cgroups, controller=path for Falco's controllers (cpuset, cpu, cpuacct, io, memory)",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (const ProcessInfo* p = c.event.process; p && !p->controller_cgroups.empty())
           out.push_back({c.Keep(ControllerCgroupsText(p->controller_cgroups)), 0});
       }},
      {"thread.cgroup", K::kString, A::kRequiredKey,
       "the thread's cgroup for one of those controllers (thread.cgroup.memory): its path in the controller's "
       "hierarchy",
       [](EvalContext& c, const FieldArg& arg, V& out) {
         if (const ProcessInfo* p = c.event.process)
           for (const auto& [controller, path] : p->controller_cgroups)
             if (controller == arg.key) out.push_back({path, 0});
       }},
      NoValue("thread.exectime", K::kInt, A::kNone, kNoScheduler),
      NoValue("thread.totexectime", K::kInt, A::kNone, kNoScheduler),
      NoValue("thread.cpu", K::kString, A::kNone, kNoScheduler),
      NoValue("thread.cpu.user", K::kString, A::kNone, kNoScheduler),
      NoValue("thread.cpu.system", K::kString, A::kNone, kNoScheduler),
      // Falco keeps these per thread; riposte per process, as the kernel last reported them
      // (at the process' exec or its last fork): none for a process known only from /proc.
      {"thread.pfmajor", K::kInt, A::kNone, "major page faults (at the process' exec or last fork)", FigureValue<&ProcessInfo::Figures::pgft_maj>},
      {"thread.pfminor", K::kInt, A::kNone, "minor page faults (at the process' exec or last fork)", FigureValue<&ProcessInfo::Figures::pgft_min>},
      {"thread.vmsize", K::kInt, A::kNone, "address space, KiB (at the process' exec or last fork)", FigureValue<&ProcessInfo::Figures::vm_size_kib>},
      {"thread.vmrss", K::kInt, A::kNone, "resident memory, KiB (at the process' exec or last fork)", FigureValue<&ProcessInfo::Figures::vm_rss_kib>},
      {"thread.vmsize.b", K::kInt, A::kNone, "address space, bytes (at the process' exec or last fork)", FigureValue<&ProcessInfo::Figures::vm_size_kib, 1024>},
      {"thread.vmrss.b", K::kInt, A::kNone, "resident memory, bytes (at the process' exec or last fork)", FigureValue<&ProcessInfo::Figures::vm_rss_kib, 1024>},
      {"proc.vmsize", K::kInt, A::kNone, "address space, KiB (at the process' exec or last fork)", FigureValue<&ProcessInfo::Figures::vm_size_kib>},
      {"proc.vmrss", K::kInt, A::kNone, "resident memory, KiB (at the process' exec or last fork)", FigureValue<&ProcessInfo::Figures::vm_rss_kib>},
      {"proc.vmswap", K::kInt, A::kNone, "swapped-out memory, KiB (at the process' exec or last fork)", FigureValue<&ProcessInfo::Figures::vm_swap_kib>},
      {"proc.fdlimit", K::kInt, A::kNone, "the soft limit of open files (RLIMIT_NOFILE) (at the process' exec or last fork)", FigureValue<&ProcessInfo::Figures::fdlimit>},
      NoValue("proc.fdusage", K::kString, A::kNone,
              "no value in riposte: the share of proc.fdlimit in use needs every open fd, and riposte's fd tables hold only "
              "those records told it of (the kernel record filter leaves most out)"),
      {"proc.nthreads", K::kInt, A::kNone, "the process' live threads, the main one included",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (const ProcessInfo* p = c.event.process) out.push_back({{}, p->threads});
       }},
      {"proc.nchilds", K::kInt, A::kNone, "the process' live threads other than the main one",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (const ProcessInfo* p = c.event.process) out.push_back({{}, p->threads - 1});
       }},
  };
}

}  // namespace riposte
