// Holds a container's events until the runtime has described it, without holding anyone
// else's. A container's first events (its entrypoint's execve, which "container started"
// rules and every container scope look at) can outrun the runtime's description: by a
// few ms under containerd and dockerd, by hundreds under podman, which answers only once
// it has started the container. Judged at once they would have every container.* and
// k8s.* field empty; waiting for the description on the capture thread would stall every
// other event behind it. So the events of an undescribed container are set aside, each
// with the state it was seen in (HeldEvent), and judged in their order once the
// description is published, the lookup gives up, or the bound runs out (then judged
// without it, and counted). Once per container: after a hold ran out, its later events
// are judged as they come.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "decode/event.h"
#include "pipeline/held_event.h"
#include "state/container_info.h"
#include "state/process_table.h"

namespace riposte {

struct ContainerHoldLimits {
  std::chrono::milliseconds bound{1500};  // a container's events wait at most this long
  size_t max_per_container = 1024;        // past this, the container's events go on without it
  size_t max_total = 8192;                // events held at once, all containers (a few KiB each)
};

struct ContainerHoldCounts {
  uint64_t containers = 0;      // containers whose events were held
  uint64_t events = 0;          // events held
  uint64_t described = 0;       // held events judged with the description
  uint64_t undescribed = 0;     // held events judged without it (bound or limit reached, lookup failed)
};

class ContainerEventHold {
 public:
  using Judge = std::function<void(const Event&, const ProcessTable&, int64_t wall_ns)>;
  using Clock = std::chrono::steady_clock;

  ContainerEventHold(ContainerHoldLimits limits, Judge judge);

  // Takes the event if its container's events are being held (or should be, from this
  // event on); false: judge it now. The container's held events, if their wait is over,
  // are judged first, so a container's events stay in order.
  // The clock is read only for an event of an undescribed container, not per event.
  bool Take(const Event& event, const ProcessTable& processes, int64_t wall_ns);
  // Judges the held events whose wait is over. Called between ring buffer passes.
  void Release(Clock::time_point now);
  // Judges everything held (the agent is stopping).
  void ReleaseAll();

  size_t held() const { return held_; }
  const ContainerHoldCounts& counts() const { return counts_; }

 private:
  struct Waiting {
    std::shared_ptr<ContainerEntry> container;
    Clock::time_point deadline;
    std::vector<std::unique_ptr<HeldEvent>> events;
  };

  void JudgeAll(Waiting& w);

  ContainerHoldLimits limits_;
  Judge judge_;
  std::vector<Waiting> waiting_;  // a handful at most: containers starting right now
  size_t held_ = 0;
  ContainerHoldCounts counts_;
};

}  // namespace riposte
