// `riposte respond`'s front door: an HTTP request becomes an alert for the policies only
// when its sender is authenticated (intake/sender_auth.h) and within its own rate limit,
// and its body is a usable Falco alert. Everything refused is answered (401/403, 429,
// 400, 413) and logged with the sender, and never reaches the policies, so it can neither
// act nor count toward the circuit breaker. Text from the request is escaped in logs.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "http/http_message.h"
#include "intake/sender_auth.h"
#include "policy/alert_facts.h"
#include "response/response_engine.h"

namespace riposte {

struct IntakeOptions {
  SenderPolicy senders;
  double alerts_per_second = 50;  // per sender; a burst of `burst` first
  double burst = 200;
  std::string id_prefix = "respond-";
};

class AlertIntake {
 public:
  using Answer = std::function<std::vector<StepReport>(const AlertFacts&)>;
  AlertIntake(IntakeOptions options, Answer answer) : options_(std::move(options)), answer_(std::move(answer)) {}

  HttpResponse Handle(const HttpRequest& request);
  uint64_t accepted() const;

 private:
  bool WithinRate(const std::string& sender);

  IntakeOptions options_;
  Answer answer_;
  mutable std::mutex mu_;
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  std::map<std::string, Bucket> buckets_;  // authenticated senders only: a bounded set
  uint64_t accepted_ = 0;
};

}  // namespace riposte
