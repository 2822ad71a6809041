#include "common/host_view.h"

#include <sys/stat.h>

namespace riposte {

std::optional<uint64_t> NamespaceInode(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return std::nullopt;
  return static_cast<uint64_t>(st.st_ino);
}

HostView HostView::Probe(const std::string& proc_root) {
  HostView v;
  auto init_ns = NamespaceInode(proc_root + "/1/ns/mnt");
  struct stat st {};
  if (init_ns && stat((proc_root + "/1/root/").c_str(), &st) == 0) {
    v.root = proc_root + "/1/root";
    v.mntns = *init_ns;
    v.pidns = NamespaceInode(proc_root + "/1/ns/pid").value_or(0);
    v.source = "pid 1's";
  } else {
    v.mntns = NamespaceInode(proc_root + "/self/ns/mnt").value_or(0);
    v.pidns = NamespaceInode(proc_root + "/self/ns/pid").value_or(0);
    v.source = "the agent's own (pid 1 cannot be inspected)";
  }
  return v;
}

}  // namespace riposte
