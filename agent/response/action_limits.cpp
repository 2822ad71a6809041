#include "response/action_limits.h"

namespace riposte {

bool DedupWindow::FirstWithin(const std::string& key, std::chrono::milliseconds window, SteadyTime now) {
  if (window > longest_) longest_ = window;
  if (now - last_prune_ > std::chrono::seconds(10)) Prune(now);
  auto [it, fresh] = last_.try_emplace(key, now);
  if (fresh) return true;
  if (now - it->second < window) return false;
  it->second = now;
  return true;
}

void DedupWindow::Prune(SteadyTime now) {
  // Keys older than the longest window can never suppress anything again.
  for (auto it = last_.begin(); it != last_.end();)
    it = now - it->second >= longest_ ? last_.erase(it) : std::next(it);
  last_prune_ = now;
}

bool RateLimiter::Allow(const std::string& policy, uint32_t max, std::chrono::milliseconds per, SteadyTime now) {
  auto& times = allowed_[policy];
  while (!times.empty() && now - times.front() >= per) times.pop_front();
  if (times.size() >= max) return false;
  times.push_back(now);
  return true;
}

bool CircuitBreaker::Tripped(SteadyTime now) {
  if (tripped_ && cooldown_.count() > 0 && now - tripped_at_ >= cooldown_) Reset();
  return tripped_;
}

bool CircuitBreaker::Record(SteadyTime now) {
  while (!recent_.empty() && now - recent_.front() >= std::chrono::minutes(1)) recent_.pop_front();
  recent_.push_back(now);
  if (!tripped_ && max_ > 0 && recent_.size() > max_) {
    tripped_ = true;
    tripped_at_ = now;
    return true;
  }
  return false;
}

void CircuitBreaker::Reset() {
  tripped_ = false;
  recent_.clear();
}

}  // namespace riposte
