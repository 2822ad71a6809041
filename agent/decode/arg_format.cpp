#include "decode/arg_format.h"

#include <fcntl.h>
#include <sys/mman.h>

#include <cstdio>

#include "decode/falco_flag_sets.h"
#include "decode/flag_names.h"
#include "decode/user_names.h"

namespace riposte {

int64_t ArgNumber(ArgKind kind, uint64_t raw) {
  if (const FalcoFlagSet* set = FalcoFlagSetOf(kind)) return set->encode(raw);
  switch (kind) {
    case ArgKind::kInt:
    case ArgKind::kFd:
    case ArgKind::kPid:
    case ArgKind::kDirFd:
    case ArgKind::kUid:
    case ArgKind::kGid:
      return static_cast<int32_t>(raw);
    case ArgKind::kOpenFlags:  // a raw open flags value is Falco's own encoding
      return FalcoOpenFlags(raw);
    case ArgKind::kFdFlags: return FalcoFdFlags(raw);
    case ArgKind::kMemfdFlags: return raw & (MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB);  // what Falco's probe keeps
    case ArgKind::kUffdFlags:
    case ArgKind::kOwnerId:
      return static_cast<uint32_t>(raw);
    case ArgKind::kSocketFamily: return FalcoSocketFamily(raw);
    default:
      return static_cast<int64_t>(raw);
  }
}

std::string FormatArg(ArgKind kind, uint64_t raw) {
  if (const FalcoFlagSet* set = FalcoFlagSetOf(kind)) return FalcoFlagText(*set, set->encode(raw));
  switch (kind) {
    case ArgKind::kInt:
    case ArgKind::kFd:
    case ArgKind::kPid:  // the process table names it (rules/fields), not the decoder
    case ArgKind::kOwnerId:  // Falco's table says unsigned; its printer says "%d"
      return std::to_string(static_cast<int32_t>(raw));
    case ArgKind::kUInt:
      return std::to_string(raw);
    case ArgKind::kDirFd: {
      auto fd = static_cast<int32_t>(raw);
      return fd == AT_FDCWD ? "AT_FDCWD" : std::to_string(fd);
    }
    case ArgKind::kOpenFlags: return OpenFlagsName(raw);
    case ArgKind::kMode: {
      char buf[16];
      // "%#o", as Falco prints a mode: "0600", and "0" (not "00") for none.
      snprintf(buf, sizeof(buf), "%#llo", static_cast<unsigned long long>(raw & 07777));
      return buf;
    }
    case ArgKind::kChmodMode: return ChmodModeName(raw);
    case ArgKind::kHexMode: {
      char buf[24];
      snprintf(buf, sizeof(buf), "%llX", static_cast<unsigned long long>(raw));
      return buf;
    }
    case ArgKind::kUid:
    case ArgKind::kGid: {
      auto id = static_cast<uint32_t>(raw);
      if (id == UINT32_MAX) return "<NONE>";
      // An id no user (group) has: "<NA>", as Falco resolves it.
      return std::string(kind == ArgKind::kUid ? UserName(id) : GroupName(id));
    }
    case ArgKind::kSignal: return SignalName(static_cast<int>(raw));
    case ArgKind::kPrctlOption: {
      std::string name = PrctlOptionName(raw);
      return name.empty() ? std::to_string(static_cast<uint32_t>(raw)) : name;
    }
    case ArgKind::kSocketFamily: return FalcoSocketFamilyName(FalcoSocketFamily(raw));
    case ArgKind::kSocketType: return SocketTypeName(raw);
    case ArgKind::kFcntlCmd:
      return raw == F_DUPFD ? "F_DUPFD" : raw == F_DUPFD_CLOEXEC ? "F_DUPFD_CLOEXEC" : std::to_string(raw);
    case ArgKind::kFdFlags:
    case ArgKind::kMemfdFlags:
    case ArgKind::kUffdFlags: {  // names, or the number when none applies, as Falco prints
      const auto n = static_cast<uint32_t>(ArgNumber(kind, raw));
      std::string names = kind == ArgKind::kMemfdFlags ? MemfdFlagsName(n) : FalcoFileFlagNames(n);
      return names.empty() ? std::to_string(n) : names;
    }
    case ArgKind::kHex: {
      char buf[24];
      snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(raw));
      return buf;
    }
    default: break;  // kNone; the Falco flag sets are handled above
  }
  return {};
}

bool RawArgIsText(ArgKind kind) {
  if (const FalcoFlagSet* set = FalcoFlagSetOf(kind)) return set->raw_in_hex;
  return kind == ArgKind::kMode || kind == ArgKind::kChmodMode || kind == ArgKind::kHexMode ||
         kind == ArgKind::kOpenFlags;
}

std::string FormatRawArg(ArgKind kind, uint64_t raw) {
  if (!RawArgIsText(kind)) return std::to_string(ArgNumber(kind, raw));
  char buf[24];
  switch (kind) {
    case ArgKind::kMode:  // Falco prints a raw mode in its display base, without a prefix
    case ArgKind::kChmodMode:
      snprintf(buf, sizeof(buf), "%llo", static_cast<unsigned long long>(raw));
      return buf;
    case ArgKind::kOpenFlags:  // Falco's encoding, in its display base: hex ("2401")
      snprintf(buf, sizeof(buf), "%X", FalcoOpenFlags(raw));
      return buf;
    case ArgKind::kHexMode:
      return FormatArg(kind, raw);
    default:  // a Falco flag set shown in hex, as Falco displays it
      snprintf(buf, sizeof(buf), "%X", static_cast<uint32_t>(ArgNumber(kind, raw)));
      return buf;
  }
}

}  // namespace riposte
