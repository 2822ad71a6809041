// The per-policy brakes: a de-duplication window (the same rule on the same target acts
// once per window) and a rate limit (at most N acted-on alerts per period). Time is
// passed in, so tests drive it.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>

namespace riposte {

using SteadyTime = std::chrono::steady_clock::time_point;

class DedupWindow {
 public:
  // True (and remembered) the first time `key` is seen within `window`; false after.
  bool FirstWithin(const std::string& key, std::chrono::milliseconds window, SteadyTime now);

 private:
  void Prune(SteadyTime now);
  std::unordered_map<std::string, SteadyTime> last_;  // key -> when it last acted
  SteadyTime last_prune_{};
  std::chrono::milliseconds longest_{0};
};

class RateLimiter {
 public:
  // True (and counted) when fewer than `max` were allowed in the `per` before `now`.
  bool Allow(const std::string& policy, uint32_t max, std::chrono::milliseconds per, SteadyTime now);

 private:
  std::unordered_map<std::string, std::deque<SteadyTime>> allowed_;
};

// Trips when more than `max_per_minute` actions are carried out in a minute: from then
// on every action is dry-run until `cooldown` has passed (or Reset on reload). A storm
// of actions is more likely a bad policy than an attack on every workload at once.
class CircuitBreaker {
 public:
  CircuitBreaker(uint32_t max_per_minute, std::chrono::milliseconds cooldown)
      : max_(max_per_minute), cooldown_(cooldown) {}
  bool Tripped(SteadyTime now);
  // Records an action about to be carried out; true when this one trips the breaker.
  bool Record(SteadyTime now);
  void Reset();
  uint32_t max_per_minute() const { return max_; }

 private:
  uint32_t max_;
  std::chrono::milliseconds cooldown_;
  std::deque<SteadyTime> recent_;
  bool tripped_ = false;
  SteadyTime tripped_at_{};
};

}  // namespace riposte
