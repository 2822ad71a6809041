// The responders this build has, by action name; also what the policy reader checks
// steps against. Actions designed but not built yet load with a warning and are audited
// as unavailable, so a playbook can name them ahead of time without failing to load.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "policy/action_catalog.h"
#include "responders/responder.h"

namespace riposte {

class ResponderRegistry : public ActionCatalog {
 public:
  void Add(std::unique_ptr<Responder> responder);
  void AddPlanned(const std::string& action) { planned_.insert(action); }
  Responder* Get(const std::string& action) const;

  Availability Find(const std::string& action) const override;
  Status ValidateParams(const std::string& action, const nlohmann::json& params) const override;
  Status ValidateInKernel(const std::string& action, const nlohmann::json& params) const override;

 private:
  std::map<std::string, std::unique_ptr<Responder>, std::less<>> responders_;
  std::set<std::string> planned_;
};

}  // namespace riposte
