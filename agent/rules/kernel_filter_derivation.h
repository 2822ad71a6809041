// From the loaded rules to the kernel record filter (kernel/record_filter.h): for each
// open family syscall, the opens any enabled rule could match, as the open's class (access
// mode, the flags rules test, success or failure) and the path's prefixes; and whether the
// closes of the opens left out can be left out too.
//
// The derivation over-approximates: it may keep more than a rule can match, never less.
// It walks each rule's condition after macro, list and exception expansion, folded for
// the syscall (as the rule set evaluates it), with negations pushed to the checks. A
// check it can bound exactly (evt.is_open_*, evt.failed, evt.res, evt.rawres, fd.num)
// bounds both ways; one it can bound only from above (fd.name/fd.nameraw/fd.directory
// prefixes and exact names, fd.typechar, fd.type) bounds only where it is not negated;
// any other check bounds nothing. The paths it reasons on are clean paths
// (IsCleanPath): the kernel sends every other path, since only userspace can normalise.
//
// One thing turns the filter off altogether, because state an unsent open leaves out
// could change a rule's verdict: a condition that tests an fd's description on an event
// other than an open (fd.*, evt.arg*, evt.args on a syscall with an fd argument, unless
// the condition also requires the fd to be a socket), or the fd table as a whole
// (proc.stdin/stdout/stderr.*, proc.fd*). A dirfd argument is not counted: opens of
// directories are always sent. A rule that can match close keeps every close.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "kernel/record_filter.h"
#include "rules/rule_set.h"

namespace riposte {

struct KernelFilterDerivation {
  RecordFilterPlan plan;
  // Why a syscall is sent whole (or the filter is off): "openat: rule 'X' matches any path
  // for some flags" ... for `riposte rules kernel-filter` and the agent's log.
  std::vector<std::string> notes;
  // Rules whose output (not condition) describes an fd of an event other than an open: an
  // fd whose open was left out is described from /proc when such an event uses it, so
  // their verdicts are the same with the filter and their text may not be (a path read
  // through /proc has its symlinks resolved).
  std::set<std::string> output_fd_readers;
};

// The syscalls the kernel sends for these rules: every syscall an enabled rule names (the
// default set for a rule that names none) and what the state tables need.
std::vector<std::string> CapturedSyscallsForRules(const RuleSet& rules);

// `captured`: the syscall names the kernel will send (only their filters are derived).
KernelFilterDerivation DeriveRecordFilter(const RuleSet& rules, const std::vector<std::string>& captured);

}  // namespace riposte
