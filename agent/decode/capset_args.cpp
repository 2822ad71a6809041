#include "decode/capset_args.h"

#include <sys/syscall.h>

#include <cstring>

#include "kernel/syscall_table.h"

namespace riposte {
namespace {

// linux/capability.h's versions: 1 carries one 32-bit set of each, 2 and 3 two.
constexpr uint32_t kCapVersion1 = 0x19980330;
constexpr uint32_t kCapVersion2 = 0x20071026;
constexpr uint32_t kCapVersion3 = 0x20080522;

struct CapData {
  uint32_t effective, permitted, inheritable;
};

}  // namespace

std::optional<CapsetRequest> CapsetRequestOf(const Event& e) {
  if (e.kind != EventKind::kSyscall || !e.syscall || e.syscall->nr != SYS_capset) return std::nullopt;
  if (e.params[0].size() < sizeof(uint32_t)) return std::nullopt;
  uint32_t version;
  std::memcpy(&version, e.params[0].data(), sizeof(version));
  const size_t halves = version == kCapVersion1 ? 1 : (version == kCapVersion2 || version == kCapVersion3) ? 2 : 0;
  if (halves == 0 || e.params[1].size() < halves * sizeof(CapData)) return std::nullopt;
  CapData data[2] = {};
  std::memcpy(data, e.params[1].data(), halves * sizeof(CapData));
  auto join = [&](uint32_t CapData::*set) {
    return static_cast<uint64_t>(data[0].*set) | (static_cast<uint64_t>(data[1].*set) << 32);
  };
  return CapsetRequest{join(&CapData::effective), join(&CapData::permitted), join(&CapData::inheritable)};
}

}  // namespace riposte
