#include "state/process_table.h"

namespace riposte {

void ProcessInfo::RefreshText() {
  args_text.clear();
  for (const auto& a : args) {
    if (!args_text.empty()) args_text += ' ';
    args_text += a;
  }
  cmdline = args_text.empty() ? comm : comm + ' ' + args_text;
}

ProcessInfo* ProcessTable::Find(uint32_t pid) {
  auto it = procs_.find(pid);
  return it == procs_.end() ? nullptr : &it->second;
}

const ProcessInfo* ProcessTable::Find(uint32_t pid) const {
  auto it = procs_.find(pid);
  return it == procs_.end() ? nullptr : &it->second;
}

ProcessInfo* ProcessTable::Put(ProcessInfo info) {
  info.RefreshText();
  auto it = procs_.find(info.pid);
  if (it != procs_.end()) {
    it->second = std::move(info);
    return &it->second;
  }
  if (procs_.size() >= max_) {
    ++overflowed_;
    return nullptr;
  }
  uint32_t pid = info.pid;
  return &procs_.emplace(pid, std::move(info)).first->second;
}

std::optional<ProcessInfo> ProcessTable::Remove(uint32_t pid) {
  auto it = procs_.find(pid);
  if (it == procs_.end()) return std::nullopt;
  ProcessInfo out = std::move(it->second);
  procs_.erase(it);
  return out;
}

const ProcessInfo* ProcessTable::Ancestor(const ProcessInfo& p, int n) const {
  const ProcessInfo* cur = &p;
  for (int i = 0; i < n && cur; ++i) {
    if (cur->ppid == 0 || cur->ppid == cur->pid) return nullptr;
    cur = Find(cur->ppid);
  }
  return cur;
}

size_t ProcessTable::Sweep(const std::function<bool(const ProcessInfo&)>& alive) {
  size_t removed = 0;
  for (auto it = procs_.begin(); it != procs_.end();) {
    if (!alive(it->second)) {
      it = procs_.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
  return removed;
}

}  // namespace riposte
