#include "responders/notify.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <regex>

namespace riposte {
namespace {

struct Url {
  std::string origin;  // http://host:port
  std::string path;
};

std::optional<Url> ParseUrl(const std::string& url) {
  static const std::regex kHttp(R"(^(http://[^/\s]+)(/\S*)?$)");
  std::smatch m;
  if (!std::regex_match(url, m, kHttp)) return std::nullopt;
  return Url{m[1].str(), m[2].matched ? m[2].str() : "/"};
}

}  // namespace

Status NotifyResponder::ValidateParams(const nlohmann::json& params) const {
  for (const auto& [key, value] : params.items()) {
    if (key == "url") {
      if (!value.is_string() || !ParseUrl(value.get<std::string>()))
        return Error{"url must be http://host[:port]/path"};
    } else if (key == "message") {
      if (!value.is_string()) return Error{"message must be a string"};
    } else if (key == "timeout_ms") {
      if (!value.is_number_integer() || value.get<int>() <= 0) return Error{"timeout_ms must be a positive number"};
    }
  }
  return Status::Ok();
}

ActionResult NotifyResponder::Run(const ActionRequest& req) {
  ActionResult r;
  nlohmann::ordered_json payload{{"source", "riposte"},
                                 {"policy", req.policy},
                                 {"alert", req.alert.Reference()},
                                 {"output", req.alert.output},
                                 {"hostname", req.alert.hostname}};
  if (auto m = req.params.find("message"); m != req.params.end()) payload["message"] = *m;
  auto url_param = req.params.find("url");
  if (url_param == req.params.end()) {
    r.details["to"] = "log";
    if (req.dry_run) {
      r.outcome = Outcome::kWouldHave;
      return r;
    }
    spdlog::warn("notify: {}", payload.dump());
    r.outcome = Outcome::kDone;
    return r;
  }
  auto url = ParseUrl(url_param->get<std::string>());
  r.details["to"] = url_param->get<std::string>();
  if (req.dry_run) {
    r.outcome = Outcome::kWouldHave;
    return r;
  }
  int timeout_ms = req.params.value("timeout_ms", 2000);
  httplib::Client client(url->origin);
  client.set_connection_timeout(std::chrono::milliseconds(timeout_ms));
  client.set_read_timeout(std::chrono::milliseconds(timeout_ms));
  client.set_write_timeout(std::chrono::milliseconds(timeout_ms));
  auto res = client.Post(url->path, payload.dump(), "application/json");
  if (!res) return {Outcome::kFailed, "POST " + r.details["to"].get<std::string>() + ": " + httplib::to_string(res.error()), r.details};
  r.details["status"] = res->status;
  if (res->status < 200 || res->status >= 300)
    return {Outcome::kFailed, "the receiver answered HTTP " + std::to_string(res->status), r.details};
  r.outcome = Outcome::kDone;
  return r;
}

}  // namespace riposte
