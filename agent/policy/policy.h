// A response policy as loaded: what alerts it matches, the playbook it runs (ordered
// steps), its mode and its limits. Plain data; the reader builds it, the matcher and the
// response engine read it.
#pragma once

#include <algorithm>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policy/step_condition.h"
#include "rules/rule_items.h"

namespace riposte {

enum class PolicyMode { kEnforce, kDryRun };
std::string_view PolicyModeName(PolicyMode m);

enum class TargetScope { kAny, kContainer, kHost };

// "priority: >= Warning": at least as severe as Warning. A bare name means equal.
struct PriorityMatch {
  std::string op = "=";  // = != < <= > >= (on severity: Critical > Warning)
  Priority value = Priority::kDebug;
  bool Matches(Priority p) const;
};

struct PolicyMatch {
  std::vector<std::string> rules;     // exact names or globs
  std::vector<std::string> tags_all;  // every one present
  std::vector<std::string> tags_any;  // at least one present
  std::optional<PriorityMatch> priority;
  std::vector<std::string> sources;
  TargetScope target = TargetScope::kAny;
  std::vector<std::string> images;         // globs on repository[:tag]
  std::vector<std::string> namespaces;     // globs on the Kubernetes namespace
  std::map<std::string, std::string> pod_labels;  // every key present, value glob
  std::vector<std::string> process_names;  // globs on the process name
  bool all = false;  // `all: true`: said explicitly that every alert is meant
  // Whether nothing here narrows what matches (every alert would).
  bool MatchesEverything() const {
    const bool any_rule = rules.empty() || std::find(rules.begin(), rules.end(), "*") != rules.end();
    return any_rule && tags_all.empty() && tags_any.empty() && !priority && sources.empty() &&
           target == TargetScope::kAny && images.empty() && namespaces.empty() && pod_labels.empty() &&
           process_names.empty();
  }
};

// The in-kernel fast path of a process.kill step: the capture program sends SIGKILL in
// the offending syscall's own context when the call matches all of these.
struct KernelKillSelector {
  std::vector<std::string> syscalls;        // at least one
  std::vector<std::string> process_names;   // exact binary names (the exe's file name); empty: any
  std::string path_prefix;                  // on the syscall's path argument as passed; empty: any
  TargetScope scope = TargetScope::kAny;    // host / container (by pid namespace)
  bool success_only = true;                 // only when the syscall succeeded
  SourcePosition position;
};

struct ActionStep {
  std::string id;      // unique in the policy; `when` refers to it as steps.ID
  std::string action;  // responder name, e.g. process.kill
  nlohmann::json params = nlohmann::json::object();
  std::string when_text;
  std::shared_ptr<const StepCondition> when;  // null: always
  bool stop_on_failure = true;                // on_failure: stop (default) | continue
  std::optional<KernelKillSelector> in_kernel;
  SourcePosition position;
};

struct RateLimit {
  uint32_t max = 0;
  std::chrono::milliseconds per{60000};
};

struct Policy {
  std::string name;
  std::string description;
  bool enabled = true;
  PolicyMode mode = PolicyMode::kEnforce;
  PolicyMatch match;
  std::vector<ActionStep> actions;
  bool continue_matching = false;  // `continue: true`: later policies may also match
  std::chrono::milliseconds dedup_window{10000};
  std::optional<RateLimit> rate_limit;
  SourcePosition position;
};

struct PolicySet {
  std::vector<Policy> policies;  // in load order: the first match wins unless it continues
  std::vector<std::string> files;
};

}  // namespace riposte
