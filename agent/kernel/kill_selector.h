// An in-kernel kill selector in the agent's terms, and its encoding into the ABI's
// struct rp_kill_selector. Policies plan selectors (policy/kernel_kill_plan) without
// knowing how the kernel is driven; the capture engine writes the encoded form to its map.
#pragma once

#include <string>
#include <vector>

#include "common/file_identity.h"
#include "common/result.h"
#include "riposte_abi.h"

namespace riposte {

struct KernelKillRule {
  std::vector<std::string> syscalls;
  std::string binary_name;  // the executable's file name, exact; empty: any
  std::string path_prefix;  // on the syscall's path argument; empty: any
  enum class Scope { kAny, kHost, kContainer } scope = Scope::kAny;
  bool success_only = true;
};

// The selector as the kernel compares it. An error for a name or prefix longer than the
// kernel's words, a rule with neither, or a syscall riposte does not know.
Result<rp_kill_selector> EncodeKillSelector(const KernelKillRule& rule);

// A protected executable as the kernel checks it (inode and the kernel's dev_t encoding).
rp_kill_protected EncodeKillProtected(const FileIdentity& id);

}  // namespace riposte
