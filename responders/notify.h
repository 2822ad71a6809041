// notify: tells people. Posts the alert and the policy that answered it as JSON to a
// webhook (`url`, http://host[:port]/path; Slack-, Falcosidekick- or SIEM-style
// receivers), or, without a url, writes it to the operational log at warning level.
// Params: url, message (free text added to the payload), timeout_ms (default 2000).
#pragma once

#include "responders/responder.h"

namespace riposte {

class NotifyResponder : public Responder {
 public:
  std::string_view name() const override { return "notify"; }
  Status ValidateParams(const nlohmann::json& params) const override;
  ActionResult Run(const ActionRequest& request) override;
};

}  // namespace riposte
