#include "policy/alert_facts.h"

#include <algorithm>

#include <ctime>

#include "common/wall_time.h"

namespace riposte {
namespace {

std::string Text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

std::string OutputText(const nlohmann::json& fields, const char* name) {
  auto it = fields.find(name);
  return it == fields.end() ? "" : Text(*it);
}

// Falco renders k8s.pod.labels as "key:value, key:value" (sometimes in parentheses).
void ParseLabels(std::string text, std::map<std::string, std::string>& out) {
  if (!text.empty() && text.front() == '(' && text.back() == ')') text = text.substr(1, text.size() - 2);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(pos, end - pos);
    size_t a = item.find_first_not_of(' '), b = item.find_last_not_of(' ');
    if (a != std::string::npos) {
      item = item.substr(a, b - a + 1);
      size_t colon = item.find(':');
      if (colon != std::string::npos) out[item.substr(0, colon)] = item.substr(colon + 1);
    }
    pos = end + 1;
  }
}

// The target fields every alert may carry in its output fields, whatever its origin.
void TargetFromOutputFields(const nlohmann::json& f, AlertTarget& t) {
  auto set = [&](std::string& dst, const char* name) {
    if (dst.empty()) dst = OutputText(f, name);
  };
  set(t.process_name, "proc.name");
  set(t.exepath, "proc.exepath");
  set(t.container_id, "container.id");
  set(t.container_name, "container.name");
  set(t.k8s_namespace, "k8s.ns.name");
  set(t.pod_name, "k8s.pod.name");
  set(t.pod_uid, "k8s.pod.uid");
  if (t.container_image.empty()) {
    std::string repo = OutputText(f, "container.image.repository");
    std::string tag = OutputText(f, "container.image.tag");
    t.container_image = repo.empty() ? OutputText(f, "container.image") : (tag.empty() ? repo : repo + ":" + tag);
  }
  ParseLabels(OutputText(f, "k8s.pod.labels"), t.pod_labels);
  for (const auto& [key, value] : f.items()) {
    for (std::string_view prefix : {"k8s.pod.label[", "k8s.pod.labels["})
      if (key.starts_with(prefix) && key.back() == ']')
        t.pod_labels[key.substr(prefix.size(), key.size() - prefix.size() - 1)] = Text(value);
  }
  auto number = [&](uint32_t& dst, const char* name) {
    if (dst != 0) return;
    auto it = f.find(name);
    if (it != f.end() && it->is_number_unsigned()) dst = it->get<uint32_t>();
    else if (it != f.end() && it->is_string()) dst = static_cast<uint32_t>(std::strtoul(it->get<std::string>().c_str(), nullptr, 10));
  };
  number(t.pid, "proc.pid");
  number(t.ppid, "proc.ppid");
}


}  // namespace

std::optional<std::string> AlertFacts::Field(std::string_view name) const {
  if (name == "rule") return rule;
  if (name == "priority") return std::string(PriorityName(priority));
  if (name == "source") return source;
  if (name == "hostname") return hostname;
  if (name == "tags") {
    std::string s;
    for (const auto& t : tags) s += (s.empty() ? "" : ",") + t;
    return s;
  }
  auto it = output_fields.find(std::string(name));
  if (it != output_fields.end() && !it->is_null()) return Text(*it);
  // What the agent learnt about the target beyond the rule's output (the container and
  // pod from the runtime), so `when:` can use it even if the output does not print it.
  auto known = [](const std::string& v) { return v.empty() ? std::nullopt : std::optional<std::string>(v); };
  if (name == "container.id") return known(target.container_id);
  if (name == "container.name") return known(target.container_name);
  if (name == "container.image") return known(target.container_image);
  if (name == "k8s.ns.name") return known(target.k8s_namespace);
  if (name == "k8s.pod.name") return known(target.pod_name);
  if (name == "k8s.pod.uid") return known(target.pod_uid);
  if (name == "proc.name" && !target.process_name.empty()) return target.process_name;
  if (name == "proc.pid" && target.pid) return std::to_string(target.pid);
  return std::nullopt;
}

nlohmann::ordered_json AlertFacts::Reference() const {
  return {{"id", id},
          {"rule", rule},
          {"priority", PriorityName(priority)},
          {"source", source},
          {"time", FormatRfc3339(time_ns)}};
}

void TargetFromContainer(const ContainerInfo& info, AlertTarget& t) {
  auto set = [](std::string& dst, const std::string& value) {
    if (dst.empty() || dst == "host") dst = value;
  };
  if (t.container_id.empty() || t.container_id == "host" || info.id.starts_with(t.container_id)) t.container_id = info.id;
  set(t.container_name, info.name);
  set(t.container_image, info.image);
  set(t.k8s_namespace, info.k8s_namespace);
  set(t.pod_name, info.pod_name);
  set(t.pod_uid, info.pod_uid);
  for (const auto& [k, v] : info.pod_labels) t.pod_labels.emplace(k, v);
}

void CompleteAlertTarget(ContainerDescriber* containers, AlertFacts& alert) {
  AlertTarget& t = alert.target;
  if (!containers || !t.in_container()) return;
  if (t.container_id.size() == 64 && !t.container_image.empty() && !t.container_name.empty()) return;
  if (auto info = containers->Describe(t.container_id)) TargetFromContainer(*info, t);
}

AlertFacts FactsFromAlert(const Alert& alert, std::string id) {
  AlertFacts f;
  f.id = std::move(id);
  f.rule = alert.rule->def.name;
  f.priority = alert.rule->def.priority;
  f.source = alert.rule->def.source;
  f.tags = alert.rule->def.tags;
  f.time_ns = alert.time_ns;
  f.hostname = alert.hostname;
  f.output = alert.output;
  f.output_fields = alert.output_fields;
  f.target.pid = alert.pid;
  f.target.ppid = alert.ppid;
  f.target.start_boottime_ns = alert.process_start_boottime_ns;
  f.target.process_name = alert.process_name;
  f.target.exepath = alert.exepath;
  f.target.container_id = alert.container_id.empty() ? "host" : alert.container_id;
  f.kernel_kill = alert.kernel_kill;
  if (alert.container)
    if (const ContainerInfo* info = alert.container->info()) TargetFromContainer(*info, f.target);
  TargetFromOutputFields(f.output_fields, f.target);
  return f;
}

Result<AlertFacts> FactsFromFalcoJson(const nlohmann::json& json, std::string id) {
  if (!json.is_object()) return Error{"the alert must be a JSON object"};
  AlertFacts f;
  f.id = std::move(id);
  auto rule = json.find("rule");
  if (rule == json.end() || !rule->is_string() || rule->get<std::string>().empty())
    return Error{"the alert has no \"rule\" (a non-empty string)"};
  f.rule = rule->get<std::string>();
  auto priority = json.find("priority");
  if (priority == json.end() || !priority->is_string()) return Error{"the alert has no \"priority\" (a string)"};
  auto p = ParsePriority(priority->get<std::string>());
  if (!p) return Error{"the alert's priority \"" + priority->get<std::string>() + "\" is not a Falco priority"};
  f.priority = *p;
  if (auto s = json.find("source"); s != json.end()) {
    if (!s->is_string()) return Error{"the alert's \"source\" must be a string"};
    f.source = s->get<std::string>();
  }
  if (auto t = json.find("tags"); t != json.end() && !t->is_null()) {
    if (!t->is_array()) return Error{"the alert's \"tags\" must be a list of strings"};
    for (const auto& tag : *t) {
      if (!tag.is_string()) return Error{"the alert's \"tags\" must be a list of strings"};
      f.tags.push_back(tag.get<std::string>());
    }
  }
  if (auto h = json.find("hostname"); h != json.end() && h->is_string()) f.hostname = h->get<std::string>();
  if (auto o = json.find("output"); o != json.end() && o->is_string()) f.output = o->get<std::string>();
  if (auto t = json.find("time"); t != json.end() && t->is_string()) {
    auto ns = ParseRfc3339(t->get<std::string>());
    if (!ns) return Error{"the alert's \"time\" is not an RFC 3339 time"};
    f.time_ns = *ns;
  }
  if (auto of = json.find("output_fields"); of != json.end() && !of->is_null()) {
    if (!of->is_object()) return Error{"the alert's \"output_fields\" must be an object"};
    f.output_fields = *of;
  }
  // Process ids as the kernel has them (at most 2^22): a larger number once wrapped to
  // another process's pid (4294967297 became pid 1).
  for (const char* name : {"proc.pid", "proc.ppid"}) {
    auto it = f.output_fields.find(name);
    if (it == f.output_fields.end() || it->is_null()) continue;
    const std::string text = it->is_string() ? it->get<std::string>() : it->dump();
    const bool digits = !text.empty() && text.size() <= 8 && std::all_of(text.begin(), text.end(), ::isdigit);
    if (!digits || std::stoul(text) > kMaxPid)
      return Error{std::string("the alert's output_fields.") + name + " " + text.substr(0, 40) + " is not a process id"};
  }
  TargetFromOutputFields(f.output_fields, f.target);
  return f;
}

}  // namespace riposte
