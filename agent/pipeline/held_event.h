// An event taken out of the pipeline to be judged later (a container's first events,
// held until the runtime has described the container): a copy that owns its bytes, with
// the state the rules will read — the process, its ancestors, its session and group
// leaders, and the fd the event acts on — as they were when the event was handled. Later
// events change the live tables (the process may exec again or exit); the held event is
// judged against the state it was seen in.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>

#include "decode/event.h"
#include "riposte_abi.h"
#include "state/fd_info.h"
#include "state/process_table.h"

namespace riposte {

class HeldEvent {
 public:
  // The event as it is now (views into the ring buffer, pointers into `processes`).
  HeldEvent(const Event& event, const ProcessTable& processes, int64_t wall_ns);
  HeldEvent(const HeldEvent&) = delete;  // `event` points into this object
  HeldEvent& operator=(const HeldEvent&) = delete;

  const Event& event() const { return event_; }
  const ProcessTable& processes() const { return processes_; }
  int64_t wall_ns() const { return wall_ns_; }

 private:
  Event event_;
  ProcessTable processes_;
  int64_t wall_ns_;
  std::array<std::string, 2> params_;
  std::string exe_, argv_, env_, cgroup_;
  std::optional<rp_exec_record> exec_;
  std::optional<FdInfo> fd_;
};

}  // namespace riposte
