#include "responders/responder_registry.h"

namespace riposte {

void ResponderRegistry::Add(std::unique_ptr<Responder> responder) {
  std::string name(responder->name());
  planned_.erase(name);
  responders_[name] = std::move(responder);
}

Responder* ResponderRegistry::Get(const std::string& action) const {
  auto it = responders_.find(action);
  return it == responders_.end() ? nullptr : it->second.get();
}

ActionCatalog::Availability ResponderRegistry::Find(const std::string& action) const {
  if (responders_.count(action)) return Availability::kAvailable;
  if (planned_.count(action)) return Availability::kNotInThisBuild;
  return Availability::kUnknown;
}

Status ResponderRegistry::ValidateParams(const std::string& action, const nlohmann::json& params) const {
  Responder* r = Get(action);
  if (!r) return Error{"no such responder"};
  // The names are the catalogue's to say; their values the responder's.
  if (const ActionSpec* spec = FindAction(action))
    if (Status names = CheckParamNames(*spec, params); !names) return names;
  return r->ValidateParams(params);
}

Status ResponderRegistry::ValidateInKernel(const std::string& action, const nlohmann::json& params) const {
  Responder* r = Get(action);
  if (!r) return Error{"no such responder"};
  return r->ValidateInKernel(params);
}

}  // namespace riposte
