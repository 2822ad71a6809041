#include "containers/docker_api_client.h"

#include <algorithm>
#include <cstdio>

#include "containers/json_fields.h"

namespace riposte {
namespace {

// The newest API version riposte's requests and readings are written against (Docker
// 20.10; podman 4's compatible service says the same). A newer engine serves it too.
constexpr int kMaxApiMajor = 1, kMaxApiMinor = 41;

std::string ChooseApiVersion(const std::string& engine_api) {
  int major = 0, minor = 0;
  if (std::sscanf(engine_api.c_str(), "%d.%d", &major, &minor) != 2) return "";
  if (major > kMaxApiMajor || (major == kMaxApiMajor && minor > kMaxApiMinor))
    return std::to_string(kMaxApiMajor) + "." + std::to_string(kMaxApiMinor);
  return std::to_string(major) + "." + std::to_string(minor);
}

// The engine's {"message": "..."} for a refused call, bounded.
std::string EngineMessage(const HttpReply& reply) {
  auto j = nlohmann::json::parse(reply.body, nullptr, false);
  std::string m = JsonMember(j, "message").is_string() ? JsonText(j, "message") : reply.body;
  if (m.size() > 300) m.resize(300);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

Error CallError(const std::string& what, const HttpReply& reply) {
  return Error{what + ": HTTP " + std::to_string(reply.status) + ": " + EngineMessage(reply),
               reply.status == 404 ? ErrorKind::kNotFound : ErrorKind::kGeneric};
}

}  // namespace

bool IsSafeContainerRef(std::string_view id) {
  if (id.empty() || id.size() > 256 || id == "." || id == "..") return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

DockerApiClient::DockerApiClient(std::string socket_path, std::chrono::milliseconds call_timeout)
    : http_(std::move(socket_path)), call_timeout_(call_timeout) {}

std::string DockerApiClient::Path(std::string_view rest) const {
  std::lock_guard lock(mu_);
  return api_prefix_ + std::string(rest);
}

Result<nlohmann::json> DockerApiClient::GetJson(const std::string& what, std::string_view path) {
  auto reply = http_.Request("GET", Path(path), call_timeout_);
  if (!reply) return reply.error();
  if (reply->status != 200) return CallError(what, *reply);
  auto j = nlohmann::json::parse(reply->body, nullptr, false);
  if (j.is_discarded()) return Error{what + ": the engine's reply is not JSON"};
  return j;
}

Status DockerApiClient::Post(const std::string& what, std::string_view path, std::chrono::milliseconds timeout) {
  auto reply = http_.Request("POST", Path(path), timeout);
  if (!reply) return reply.error();
  // 304: already in the state asked for (a stop of a stopped container).
  if (reply->status == 204 || reply->status == 200 || reply->status == 304) return Status::Ok();
  return CallError(what, *reply);
}

Result<EngineVersion> DockerApiClient::Negotiate() {
  auto reply = http_.Request("GET", "/version", call_timeout_);
  if (!reply) return reply.error();
  if (reply->status != 200) return CallError("engine version", *reply);
  auto j = nlohmann::json::parse(reply->body, nullptr, false);
  if (!j.is_object()) return Error{"engine version: the reply is not a JSON object"};
  EngineVersion v;
  v.version = JsonText(j, "Version");
  std::string engine_api = JsonText(j, "ApiVersion");
  const auto& components = JsonMember(j, "Components");
  if (components.is_array() && !components.empty()) v.product = JsonText(components[0], "Name");
  v.api_version = ChooseApiVersion(engine_api);
  std::lock_guard lock(mu_);
  api_prefix_ = v.api_version.empty() ? "" : "/v" + v.api_version;
  return v;
}

Result<std::vector<std::string>> DockerApiClient::ListIds() {
  auto j = GetJson("listing containers", "/containers/json?all=1");
  if (!j) return j.error();
  std::vector<std::string> ids;
  if (!j->is_array()) return Error{"listing containers: the reply is not a JSON array"};
  for (const auto& c : *j)
    if (std::string id = JsonText(c, "Id"); !id.empty()) ids.push_back(std::move(id));
  return ids;
}

Result<nlohmann::json> DockerApiClient::InspectContainer(const std::string& id) {
  if (!IsSafeContainerRef(id)) return Error{"'" + id.substr(0, 80) + "' is not a container id", ErrorKind::kNotFound};
  auto j = GetJson("inspecting container " + id, "/containers/" + id + "/json");
  if (j && !j->is_object()) return Error{"inspecting container " + id + ": the reply is not a JSON object"};
  return j;
}

Result<nlohmann::json> DockerApiClient::InspectImage(const std::string& id) {
  // Image ids are "sha256:<hex>": the colon is the one character beyond a container's.
  std::string ref = id.starts_with("sha256:") ? id.substr(7) : id;
  if (!IsSafeContainerRef(ref)) return Error{"'" + id.substr(0, 80) + "' is not an image id", ErrorKind::kNotFound};
  auto j = GetJson("inspecting image " + id, "/images/" + ref + "/json");
  if (j && !j->is_object()) return Error{"inspecting image " + id + ": the reply is not a JSON object"};
  return j;
}

Status DockerApiClient::Pause(const std::string& id) {
  if (!IsSafeContainerRef(id)) return Error{"'" + id.substr(0, 80) + "' is not a container id", ErrorKind::kNotFound};
  return Post("pausing container " + id, "/containers/" + id + "/pause", call_timeout_);
}

Status DockerApiClient::Unpause(const std::string& id) {
  if (!IsSafeContainerRef(id)) return Error{"'" + id.substr(0, 80) + "' is not a container id", ErrorKind::kNotFound};
  return Post("unpausing container " + id, "/containers/" + id + "/unpause", call_timeout_);
}

Status DockerApiClient::Stop(const std::string& id, std::chrono::seconds grace) {
  if (!IsSafeContainerRef(id)) return Error{"'" + id.substr(0, 80) + "' is not a container id", ErrorKind::kNotFound};
  // The engine answers once the container has stopped: give it the grace period and then
  // its own time to kill.
  return Post("stopping container " + id, "/containers/" + id + "/stop?t=" + std::to_string(grace.count()),
              grace + call_timeout_ + std::chrono::seconds(5));
}

Status DockerApiClient::Kill(const std::string& id, int signal) {
  if (!IsSafeContainerRef(id)) return Error{"'" + id.substr(0, 80) + "' is not a container id", ErrorKind::kNotFound};
  return Post("signalling container " + id, "/containers/" + id + "/kill?signal=" + std::to_string(signal),
              call_timeout_);
}

Status DockerApiClient::Events(const std::function<void(const EngineEvent&)>& on_event, HttpStreamCancel& cancel) {
  // Filtered here rather than by the engine: podman's compatible service and dockerd do
  // not read a filter alike, and the other event types are few.
  return http_.StreamLines(
      Path("/events"),
      [&](std::string_view line) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_object() || JsonText(j, "Type") != "container") return;
        EngineEvent e;
        e.action = JsonText(j, "Action");
        if (e.action.empty()) e.action = JsonText(j, "status");
        e.container_id = JsonText(JsonMember(j, "Actor"), "ID");
        if (e.container_id.empty()) e.container_id = JsonText(j, "id");
        // Actions like "exec_start: sh" carry their command after a colon.
        if (size_t colon = e.action.find(':'); colon != std::string::npos) e.action.resize(colon);
        if (!e.container_id.empty()) on_event(e);
      },
      cancel);
}

}  // namespace riposte
