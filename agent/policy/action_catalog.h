// Every action a policy step can name: the closed set, as data (kActions in
// action_catalog.cpp). The responders register their implementations under these names
// (responders/default_responders.cpp); the policy reader asks the table what an action
// can do (change the node? run in the kernel?) and asks the catalog, behind which the
// responders sit, whether a step's parameters are valid, never string literals.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace riposte {

// What an action acts on, resolved from the alert.
enum class ActionTarget : uint8_t { kProcess, kContainer, kPod, kNothing };
std::string_view ActionTargetName(ActionTarget t);

// One parameter a step may give the action. Its value is the responder's to check
// (durations, signals, CIDRs...); the catalogue says which names exist.
struct ActionParam {
  std::string_view name;
  std::string_view meaning;
};

struct ActionSpec {
  std::string_view name;
  ActionTarget target;
  // Every parameter the action takes (none: an empty span): a step naming another is
  // refused at load, whatever the responder.
  std::span<const ActionParam> params;
  // False for an action that leaves the node as it was (notify): a policy may answer
  // every alert with it without saying so.
  bool changes_node;
  // May be programmed into the kernel (`in_kernel:`): it then acts at the syscall's exit,
  // before any rule or `when:` is evaluated.
  bool in_kernel;
  // What a dry-run step records it would have done (`riposte policy actions`).
  std::string_view dry_run;
};

std::span<const ActionSpec> KnownActions();
// Null for a name that is no action.
const ActionSpec* FindAction(std::string_view name);
// Ok when every key of `params` (an object) is one of the spec's parameters; else an
// error naming the key and the parameters there are.
Status CheckParamNames(const ActionSpec& spec, const nlohmann::json& params);

// What the policy reader needs of the responders, without depending on them.
class ActionCatalog {
 public:
  virtual ~ActionCatalog() = default;
  enum class Availability { kAvailable, kNotInThisBuild, kUnknown };
  virtual Availability Find(const std::string& action) const = 0;
  virtual Status ValidateParams(const std::string& action, const nlohmann::json& params) const = 0;
  // For an action whose spec allows in_kernel: whether these parameters are what the
  // kernel does (the responder decides: process.kill in the kernel sends SIGKILL to the
  // caller, so its signal and target must say so).
  virtual Status ValidateInKernel(const std::string& action, const nlohmann::json& params) const = 0;
};

}  // namespace riposte
