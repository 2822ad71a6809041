#include "output/alert_formats.h"

#include <string>

#include "common/siem_schema.h"
#include "version.h"

namespace riposte {
namespace {

using Json = nlohmann::ordered_json;

// A field of output_fields when it holds a value (Falco writes null for a missing one).
const nlohmann::json* Field(const nlohmann::json& falco, const char* name) {
  auto of = falco.find("output_fields");
  if (of == falco.end() || !of->is_object()) return nullptr;
  auto it = of->find(name);
  if (it == of->end() || it->is_null()) return nullptr;
  return &*it;
}

// Milliseconds since the epoch from Falco's RFC 3339 time (OCSF's timestamp_t).

// Which ECS categories an alert is about, from the fields its rule shows.
Json EcsCategories(const nlohmann::json& falco) {
  Json out = Json::array({"intrusion_detection"});
  if (Field(falco, "proc.pid") || Field(falco, "proc.name")) out.push_back("process");
  if (const auto* fd = Field(falco, "fd.type")) {
    const std::string t = fd->is_string() ? fd->get<std::string>() : "";
    out.push_back(t == "ipv4" || t == "ipv6" ? "network" : "file");
  } else if (Field(falco, "fd.sip") || Field(falco, "fd.rport")) {
    out.push_back("network");
  } else if (Field(falco, "fd.name")) {
    out.push_back("file");
  }
  return out;
}

Json Ocsf(const nlohmann::json& falco) {
  const std::string rule = TextOf(falco, "rule");
  const std::string priority = TextOf(falco, "priority");
  Json finding{{"uid", (TextOf(falco, "uuid").empty() ? TextOf(falco, "time") + "/" + rule : TextOf(falco, "uuid"))},
               {"title", rule},
               {"desc", TextOf(falco, "output")},
               {"analytic", {{"name", rule}, {"type_id", 1}, {"type", "Rule"}}},
               {"types", ArrayOf(falco, "tags")}};
  Json j{{"class_uid", 2004},
         {"class_name", "Detection Finding"},
         {"category_uid", 2},
         {"category_name", "Findings"},
         {"activity_id", 1},
         {"activity_name", "Create"},
         {"type_uid", 200401},
         {"time", OcsfTimeOf(TextOf(falco, "time"))},
         {"severity_id", OcsfSeverityOf(priority)},
         {"severity", priority},
         {"status_id", 1},
         {"message", TextOf(falco, "output")},
         {"metadata", OcsfMetadata(kVersion)},
         {"finding_info", std::move(finding)}};
  Json device{{"hostname", TextOf(falco, "hostname")}, {"type_id", 0}};
  j["device"] = device;
  if (const auto* pid = Field(falco, "proc.pid")) {
    Json process{{"pid", *pid}};
    if (const auto* v = Field(falco, "proc.name")) process["name"] = *v;
    if (const auto* v = Field(falco, "proc.cmdline")) process["cmd_line"] = *v;
    if (const auto* v = Field(falco, "proc.exepath")) process["file"] = {{"path", *v}};
    if (const auto* v = Field(falco, "user.name")) process["user"] = {{"name", *v}};
    j["process"] = std::move(process);
  }
  if (const auto* id = Field(falco, "container.id"); id && id->is_string() && id->get<std::string>() != "host") {
    Json container{{"uid", *id}};
    if (const auto* v = Field(falco, "container.name")) container["name"] = *v;
    if (const auto* v = Field(falco, "container.image.repository")) container["image"] = {{"name", *v}};
    j["container"] = std::move(container);
  }
  // OCSF 1.3 has no Kubernetes object on a finding: the pod goes to unmapped.
  if (const auto* ns = Field(falco, "k8s.ns.name")) j["unmapped"]["k8s.ns.name"] = *ns;
  if (const auto* pod = Field(falco, "k8s.pod.name")) j["unmapped"]["k8s.pod.name"] = *pod;
  j["unmapped"]["falco.source"] = (TextOf(falco, "source").empty() ? std::string("syscall") : TextOf(falco, "source"));
  j["unmapped"]["output_fields"] = ObjectOf(falco, "output_fields");
  return j;
}

Json Ecs(const nlohmann::json& falco) {
  const std::string rule = TextOf(falco, "rule");
  const std::string priority = TextOf(falco, "priority");
  Json j{{"@timestamp", TextOf(falco, "time")},
         {"message", TextOf(falco, "output")},
         {"ecs", {{"version", kEcsVersion}}},
         {"event",
          {{"kind", "alert"},
           {"category", EcsCategories(falco)},
           {"type", Json::array({"info"})},
           {"severity", OcsfSeverityOf(priority)},
           {"module", "riposte"},
           {"dataset", "riposte.alert"},
           {"provider", (TextOf(falco, "source").empty() ? std::string("syscall") : TextOf(falco, "source"))}}},
         {"rule", {{"name", rule}, {"ruleset", "falco"}}},
         {"log", {{"level", priority}}},
         {"host", {{"hostname", TextOf(falco, "hostname")}}},
         {"tags", ArrayOf(falco, "tags")},
         {"observer", {{"product", "riposte"}, {"vendor", "riposte"}, {"version", kVersion}}}};
  if (const auto* pid = Field(falco, "proc.pid")) {
    Json process{{"pid", *pid}};
    if (const auto* v = Field(falco, "proc.name")) process["name"] = *v;
    if (const auto* v = Field(falco, "proc.cmdline")) process["command_line"] = *v;
    if (const auto* v = Field(falco, "proc.exepath")) process["executable"] = *v;
    if (const auto* v = Field(falco, "proc.pname")) process["parent"] = {{"name", *v}};
    j["process"] = std::move(process);
  }
  if (const auto* v = Field(falco, "user.name")) j["user"] = {{"name", *v}};
  if (const auto* v = Field(falco, "fd.name")) j["file"] = {{"path", *v}};
  if (const auto* id = Field(falco, "container.id"); id && id->is_string() && id->get<std::string>() != "host") {
    Json container{{"id", *id}};
    if (const auto* v = Field(falco, "container.name")) container["name"] = *v;
    if (const auto* v = Field(falco, "container.image.repository")) container["image"]["name"] = *v;
    if (const auto* v = Field(falco, "container.image.tag")) container["image"]["tag"] = Json::array({*v});
    j["container"] = std::move(container);
  }
  if (const auto* ns = Field(falco, "k8s.ns.name")) {
    j["orchestrator"] = {{"type", "kubernetes"}, {"namespace", *ns}};
    if (const auto* pod = Field(falco, "k8s.pod.name"))
      j["orchestrator"]["resource"] = {{"type", "pod"}, {"name", *pod}};
  }
  j["riposte"] = {{"output_fields", ObjectOf(falco, "output_fields")}};
  return j;
}

}  // namespace

std::optional<AlertFormat> AlertFormatNamed(std::string_view name) {
  if (name == "falco") return AlertFormat::kFalco;
  if (name == "ocsf") return AlertFormat::kOcsf;
  if (name == "ecs") return AlertFormat::kEcs;
  return std::nullopt;
}

nlohmann::ordered_json RenderAlert(const nlohmann::json& falco, AlertFormat format) {
  // A remote Falco's alert is read defensively (siem_schema.h); should a rendering still
  // throw, the alert goes out as Falco wrote it rather than not at all.
  try {
    switch (format) {
      case AlertFormat::kOcsf: return Ocsf(falco);
      case AlertFormat::kEcs: return Ecs(falco);
      case AlertFormat::kFalco: break;
    }
  } catch (const std::exception&) {
  }
  return nlohmann::ordered_json(falco);
}

}  // namespace riposte
