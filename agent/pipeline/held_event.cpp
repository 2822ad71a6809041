#include "pipeline/held_event.h"

namespace riposte {
namespace {

// Ancestors kept beyond the process itself: proc.aname[N] and proc.apid[N] reach this
// far; a deeper lookup in a held event finds nothing, as past the top of the tree.
constexpr int kAncestors = 32;

std::string_view Own(std::string_view view, std::string& storage) {
  storage.assign(view.data(), view.size());
  return storage;
}

}  // namespace

HeldEvent::HeldEvent(const Event& event, const ProcessTable& processes, int64_t wall_ns)
    : event_(event), processes_(kAncestors + 8), wall_ns_(wall_ns) {
  for (size_t i = 0; i < params_.size(); ++i) event_.params[i] = Own(event.params[i], params_[i]);
  event_.exe = Own(event.exe, exe_);
  event_.argv = Own(event.argv, argv_);
  event_.env = Own(event.env, env_);
  event_.cgroup = Own(event.cgroup, cgroup_);
  if (event.exec) event_.exec = &exec_.emplace(*event.exec);

  // Only the event's own process keeps its fds: no rule reads another process's table.
  auto keep = [&](const ProcessInfo* p, bool with_fds) {
    if (!p || p->pid == 0 || processes_.Find(p->pid)) return;
    ProcessInfo copy = *p;
    if (!with_fds) copy.fds = FdTable{};
    processes_.Put(std::move(copy));
  };
  // An exit's process has left the table already: the event holds the last of it.
  const ProcessInfo* own = event.process ? event.process : processes.Find(event.pid);
  keep(own, true);
  if (own) {
    for (int n = 1; n <= kAncestors; ++n) {
      const ProcessInfo* a = processes.Ancestor(*own, n);
      if (!a) break;
      keep(a, false);
    }
    keep(processes.Find(own->sid), false);
    keep(processes.Find(own->pgid), false);
  }
  keep(processes.Find(1), false);
  if (event.child_pid) keep(processes.Find(event.child_pid), false);
  event_.process = own ? processes_.Find(own->pid) : nullptr;
  event_.fd = event.fd ? &fd_.emplace(*event.fd) : nullptr;
}

}  // namespace riposte
