// Runs the response engine off the capture thread: the capture loop hands each alert
// over and goes back to draining the ring buffer while responders (which may wait on a
// process to die or a runtime to answer) work here. Alerts are handled in order.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "policy/alert_facts.h"
#include "response/response_engine.h"

namespace riposte {

class ResponseWorker {
 public:
  // `prepare`, when given, completes an alert on the worker's thread before the engine
  // sees it (container metadata the capture thread did not have yet).
  using Prepare = std::function<void(AlertFacts&)>;
  // `observe`, when given, sees each alert's step reports once they are audited (metrics).
  using Observe = std::function<void(const AlertFacts&, const std::vector<StepReport>&)>;
  explicit ResponseWorker(ResponseEngine& engine, Prepare prepare = {}, Observe observe = {},
                          size_t capacity = 65536);
  ~ResponseWorker();  // handles what is queued, then stops
  ResponseWorker(const ResponseWorker&) = delete;
  ResponseWorker& operator=(const ResponseWorker&) = delete;

  // False when the queue is full (the caller audits the alert as not answered).
  bool Submit(AlertFacts alert);

 private:
  void Run();

  ResponseEngine& engine_;
  Prepare prepare_;
  Observe observe_;
  size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<AlertFacts> queue_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace riposte
