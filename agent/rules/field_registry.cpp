#include "rules/field_registry.h"

#include <cassert>

namespace riposte {

std::string_view FieldTypeName(FieldType t) {
  switch (t) {
    case FieldType::kString: return "string";
    case FieldType::kInt: return "int64";
    case FieldType::kBool: return "bool";
    case FieldType::kIpAddr: return "ipaddr";
    case FieldType::kIpNet: return "ipnet";
    case FieldType::kFlags: return "flags";
  }
  return "?";
}

std::string_view EvalContext::Keep(std::string s) {
  arena_.push_front(std::move(s));
  return arena_.front();
}

FieldRegistry::FieldRegistry() {
  Add(EventFields());
  Add(ProcessFields());
  Add(FdFields());
  Add(UserFields());
  Add(ContainerFields());
  Add(EventTimeFields());
  Add(EventIoFields());
  Add(FsPathFields());
  Add(ThreadFields());
}

FieldDef NoValue(std::string_view name, FieldType type, FieldArgMode arg_mode, std::string_view why) {
  FieldDef d{name, type, arg_mode, why, [](EvalContext&, const FieldArg&, std::vector<FieldValue>&) {}};
  d.has_value = false;
  return d;
}

FieldDef FilterOnly(FieldDef def) {
  def.filter_only = true;
  return def;
}

void FieldRegistry::Add(const std::vector<FieldDef>& defs) {
  for (const auto& d : defs) {
    [[maybe_unused]] bool added = fields_.emplace(d.name, d).second;
    assert(added && "a field is defined twice");
  }
}

const FieldDef* FieldRegistry::Find(std::string_view name, std::string* dynamic_arg) const {
  auto it = fields_.find(name);
  if (it != fields_.end()) return &it->second;
  // "evt.arg.flags" -> "evt.arg" with key "flags"; Falco writes thread.cgroup's controller
  // the same way ("thread.cgroup.memory").
  for (std::string_view prefix : {"evt.arg.", "evt.rawarg.", "thread.cgroup."}) {
    if (name.starts_with(prefix) && name.size() > prefix.size()) {
      auto base = fields_.find(prefix.substr(0, prefix.size() - 1));
      if (base == fields_.end()) return nullptr;
      if (dynamic_arg) *dynamic_arg = std::string(name.substr(prefix.size()));
      return &base->second;
    }
  }
  return nullptr;
}

}  // namespace riposte
