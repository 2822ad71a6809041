#include "intake/alert_intake.h"

#include <spdlog/spdlog.h>

#include "common/control_escape.h"

namespace riposte {
namespace {

nlohmann::ordered_json ReportsJson(const std::vector<StepReport>& reports) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& r : reports) {
    nlohmann::ordered_json j{{"policy", r.policy}, {"step", r.step}, {"action", r.action},
                             {"mode", r.dry_run ? "dry-run" : "enforce"}, {"outcome", OutcomeName(r.outcome)},
                             {"audit_seq", r.audit_seq}};
    if (!r.error.empty()) j["error"] = r.error;
    out.push_back(j);
  }
  return out;
}

HttpResponse JsonError(int status, const std::string& message) {
  return {status, "application/json", nlohmann::json{{"error", message}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
}

std::string Who(const HttpPeer& p) {
  if (p.transport == HttpPeer::Transport::kUnix)
    return "uid " + std::to_string(p.uid) + " pid " + std::to_string(p.pid) + " on " + p.address;
  return std::string(TransportName(p.transport)) + " " + p.address +
         (p.tls_subject.empty() ? "" : " (" + EscapeControl(p.tls_subject) + ")");
}

}  // namespace

bool AlertIntake::WithinRate(const std::string& sender) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  auto [it, fresh] = buckets_.try_emplace(sender, Bucket{options_.burst, now});
  Bucket& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.at).count();
  b.tokens = std::min(options_.burst, b.tokens + elapsed * options_.alerts_per_second);
  b.at = now;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

HttpResponse AlertIntake::Handle(const HttpRequest& req) {
  if (req.method == "GET" && req.path == "/healthz") return {200, "text/plain", "ok\n", {}};
  AuthFailure failure{};
  auto sender = Authenticate(req, options_.senders, &failure);
  if (!sender) {
    spdlog::warn("respond: refused {}: {}", Who(req.peer), failure.reason);
    HttpResponse r = JsonError(failure.status, failure.reason);
    if (failure.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  if (req.method != "POST") return JsonError(405, "POST a Falco alert");
  if (!WithinRate(sender->key)) {
    spdlog::warn("respond: {} is over its rate limit ({}/s): alert refused", Who(req.peer), options_.alerts_per_second);
    return JsonError(429, "over the sender's rate limit");
  }
  auto json = nlohmann::json::parse(req.body, nullptr, false);
  if (json.is_discarded()) {
    spdlog::warn("respond: {} sent a body that is not JSON ({} bytes)", Who(req.peer), req.body.size());
    return JsonError(400, "the body is not JSON");
  }
  uint64_t n;
  {
    std::lock_guard lock(mu_);
    n = ++accepted_;
  }
  auto facts = FactsFromFalcoJson(json, options_.id_prefix + std::to_string(n));
  if (!facts) {
    spdlog::warn("respond: {} sent an alert riposte cannot use: {}", Who(req.peer), EscapeControl(facts.error().message));
    return JsonError(400, facts.error().message);
  }
  facts->sender = sender->identity;
  auto reports = answer_(*facts);
  return {200, "application/json",
          nlohmann::ordered_json{{"alert_id", facts->id}, {"actions", ReportsJson(reports)}}.dump(
              -1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
}

uint64_t AlertIntake::accepted() const {
  std::lock_guard lock(mu_);
  return accepted_;
}

}  // namespace riposte
