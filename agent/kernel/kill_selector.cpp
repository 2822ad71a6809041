#include "kernel/kill_selector.h"

#include <sys/sysmacros.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "kernel/syscall_table.h"

namespace riposte {
namespace {

// Text into the kernel's little-endian words, zero-padded, with 0xff over its bytes in the mask.
template <typename Word, size_t N>
void Pack(std::string_view text, Word (&words)[N], Word (&mask)[N]) {
  for (size_t w = 0; w < N; ++w) words[w] = mask[w] = 0;
  std::memcpy(words, text.data(), std::min(text.size(), N * 8));
  for (size_t i = 0; i < text.size() && i < N * 8; ++i) reinterpret_cast<uint8_t*>(mask)[i] = 0xff;
}

}  // namespace

Result<rp_kill_selector> EncodeKillSelector(const KernelKillRule& r) {
  rp_kill_selector k{};
  __u64 unused[RP_KILL_WORDS];
  // The name compares with its NUL: exact, not a prefix.
  if (r.binary_name.size() + 1 > sizeof(k.name)) return Error{"binary name too long: " + r.binary_name};
  if (r.path_prefix.size() > sizeof(k.prefix)) return Error{"path prefix too long: " + r.path_prefix};
  if (r.binary_name.empty() && r.path_prefix.empty())
    return Error{"an in-kernel kill selector needs a binary name or a path prefix"};
  Pack(r.binary_name, k.name, unused);
  Pack(r.path_prefix, k.prefix, k.prefix_mask);
  k.prefix_len = static_cast<uint32_t>(r.path_prefix.size());
  k.active = 1;
  k.scope = r.scope == KernelKillRule::Scope::kHost        ? RP_KILL_SCOPE_HOST
            : r.scope == KernelKillRule::Scope::kContainer ? RP_KILL_SCOPE_CONTAINER
                                                           : RP_KILL_SCOPE_ANY;
  k.success_only = r.success_only;
  for (const auto& name : r.syscalls) {
    const SyscallInfo* info = FindSyscall(name);
    if (!info) return Error{"unknown syscall '" + name + "' in an in-kernel kill selector"};
    k.syscalls[info->nr / 64] |= 1ull << (info->nr % 64);
  }
  return k;
}

rp_kill_protected EncodeKillProtected(const FileIdentity& id) {
  rp_kill_protected p{};
  p.ino = id.ino;
  p.dev = (major(id.dev) << 20) | minor(id.dev);  // the kernel's dev_t encoding
  p.active = 1;
  return p;
}

}  // namespace riposte
