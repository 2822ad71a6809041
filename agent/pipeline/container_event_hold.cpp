#include "pipeline/container_event_hold.h"

#include <algorithm>

namespace riposte {

ContainerEventHold::ContainerEventHold(ContainerHoldLimits limits, Judge judge)
    : limits_(limits), judge_(std::move(judge)) {}

bool ContainerEventHold::Take(const Event& event, const ProcessTable& processes, int64_t wall_ns) {
  const ProcessInfo* p = event.process ? event.process : processes.Find(event.pid);
  if (!p || !p->container) return false;
  ContainerEntry* entry = p->container.get();
  auto it = std::find_if(waiting_.begin(), waiting_.end(), [&](const Waiting& w) { return w.container.get() == entry; });
  if (it == waiting_.end()) {
    if (entry->Settled() || entry->HoldSpent()) return false;
    waiting_.push_back(Waiting{p->container, Clock::now() + limits_.bound, {}});
    ++counts_.containers;
    it = waiting_.end() - 1;
  }
  // Its wait is over (described, given up, bound or a limit reached): what it held first,
  // then this event, judged as it comes.
  if (entry->Settled() || Clock::now() >= it->deadline || it->events.size() >= limits_.max_per_container ||
      held_ >= limits_.max_total) {
    JudgeAll(*it);
    waiting_.erase(it);
    return false;
  }
  it->events.push_back(std::make_unique<HeldEvent>(event, processes, wall_ns));
  ++held_;
  ++counts_.events;
  return true;
}

void ContainerEventHold::Release(Clock::time_point now) {
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (it->container->Settled() || now >= it->deadline) {
      JudgeAll(*it);
      it = waiting_.erase(it);
    } else {
      ++it;
    }
  }
}

void ContainerEventHold::ReleaseAll() {
  for (auto& w : waiting_) JudgeAll(w);
  waiting_.clear();
}

void ContainerEventHold::JudgeAll(Waiting& w) {
  // A wait that ended without the description is not begun again for this container.
  const bool described = w.container->info() != nullptr;
  if (!described) w.container->SpendHold();
  (described ? counts_.described : counts_.undescribed) += w.events.size();
  for (auto& held : w.events) judge_(held->event(), held->processes(), held->wall_ns());
  held_ -= w.events.size();
  w.events.clear();
}

}  // namespace riposte
