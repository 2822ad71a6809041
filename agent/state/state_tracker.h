// The state stage: applies each decoded event to the process and fd tables, and attaches
// to the event what later stages read (the process, the fd acted on, absolute paths).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "decode/event.h"
#include "state/container_info.h"
#include "state/local_interfaces.h"
#include "state/proc_scanner.h"
#include "state/process_table.h"

namespace riposte {

struct StateConfig {
  std::vector<std::string> containerd_namespaces = {"default", "k8s.io", "moby"};
  size_t max_processes = 65536;
  // This machine's addresses, for Falco's view of sockets (a live agent reads the host's at
  // start; a replay knows only loopback, and each socket's own address from its records).
  LocalInterfaces interfaces = LocalInterfaces::Loopback();
};

struct StateCounters {
  uint64_t processes_seeded_lazily = 0;  // unknown pids read from /proc on first sight
  uint64_t processes_unknown = 0;        // events whose process could not be found
};

class StateTracker {
 public:
  // `live_proc`: where to read processes the tables do not know (null when replaying a
  // capture from another time or host, where /proc would lie). `containers`: where
  // container metadata comes from (null: container ids only, from cgroup paths).
  StateTracker(StateConfig config, const ProcScanner* live_proc, ContainerCatalog* containers = nullptr);

  // Seeds one process (from /proc at start, or a capture file's snapshot).
  void Seed(ProcessInfo info);
  // Updates the tables from `e` and fills e.process, e.fd and e.resolved_path.
  void Apply(Event& e);

  const ProcessTable& processes() const { return table_; }
  ProcessTable& processes() { return table_; }
  const StateCounters& counters() const { return counters_; }

 private:
  ProcessInfo* ProcessFor(uint32_t pid);
  void ApplyExec(Event& e);
  void ApplyFork(Event& e);
  void ApplyExit(Event& e);
  void ApplySyscall(Event& e, ProcessInfo& p);
  void ResolveParams(Event& e, const ProcessInfo& p);
  void TrackNewSocket(Event& e, ProcessInfo& p);
  // Sets container_id (from the cgroup path) and the container entry.
  void AssignContainer(ProcessInfo& p);

  StateConfig config_;
  const ProcScanner* live_proc_;
  ContainerCatalog* containers_;
  ProcessTable table_;
  StateCounters counters_;
  // Keep what an event points at alive until the next event: the process that just
  // exited and the fd that was just closed.
  std::optional<ProcessInfo> exited_;
  FdInfo closed_fd_;
  FdInfo failed_open_fd_;
  FdInfo failed_memfd_fd_;
  // The process one of whose threads the last event saw exit: its count drops before the
  // next event (0: none).
  uint32_t thread_exited_pid_ = 0;
};

}  // namespace riposte
