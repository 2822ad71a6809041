#include "pipeline/response_worker.h"

namespace riposte {

ResponseWorker::ResponseWorker(ResponseEngine& engine, Prepare prepare, Observe observe, size_t capacity)
    : engine_(engine),
      prepare_(std::move(prepare)),
      observe_(std::move(observe)),
      capacity_(capacity),
      thread_([this] { Run(); }) {}

ResponseWorker::~ResponseWorker() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

bool ResponseWorker::Submit(AlertFacts alert) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= capacity_) return false;
    queue_.push_back(std::move(alert));
  }
  cv_.notify_one();
  return true;
}

void ResponseWorker::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued is handled
    AlertFacts alert = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    if (prepare_) prepare_(alert);
    auto reports = engine_.Handle(alert);
    if (observe_) observe_(alert, reports);
    lock.lock();
  }
}

}  // namespace riposte
