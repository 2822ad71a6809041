// What the policy reader needs to know about responders, without depending on them:
// whether an action name exists (or is planned but not in this build), and whether a
// step's parameters are valid for it.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace riposte {

class ActionCatalog {
 public:
  virtual ~ActionCatalog() = default;
  enum class Availability { kAvailable, kNotInThisBuild, kUnknown };
  virtual Availability Find(const std::string& action) const = 0;
  virtual Status ValidateParams(const std::string& action, const nlohmann::json& params) const = 0;
};

}  // namespace riposte
