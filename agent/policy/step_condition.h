// `when:` on a playbook step, written in Falco's condition syntax (the same parser as the
// rules): `steps.kill.outcome in (done, target_gone) and container.id != host`. Names are
// earlier steps' results (steps.ID.outcome, steps.ID.error) or the alert's fields (rule,
// priority, source, tags, hostname and any output field by its Falco name).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "common/result.h"
#include "rules/condition_ast.h"

namespace riposte {

class StepCondition {
 public:
  using Lookup = std::function<std::optional<std::string>(const std::string& name)>;
  // Parses and checks the text: operators it supports, step references only to `known_steps`.
  static Result<std::shared_ptr<const StepCondition>> Compile(const std::string& text,
                                                              const std::set<std::string>& known_steps);
  bool Eval(const Lookup& lookup) const;

 private:
  explicit StepCondition(std::unique_ptr<CondNode> root) : root_(std::move(root)) {}
  std::unique_ptr<CondNode> root_;
};

}  // namespace riposte
