// Falco's own encodings of flag and enum arguments, and its names for them.
//
// Falco's driver does not pass most flag arguments through as the kernel took them: it
// re-encodes them in its own bits (clone's CLONE_FILES is bit 0, ptrace's PTRACE_ATTACH is
// 11, fchownat keeps only AT_SYMLINK_FOLLOW and AT_EMPTY_PATH), and libsinsp names a value
// with a table in a fixed order. Rules compare evt.arg.NAME with those names and
// evt.rawarg.NAME with those numbers, so riposte renders each such argument the same way:
// one set per argument kind, as data.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "kernel/syscall_table.h"

namespace riposte {

struct FalcoFlagName {
  uint32_t value;
  std::string_view name;
};

struct FalcoFlagSet {
  uint32_t (*encode)(uint64_t kernel_value);  // the kernel's value in Falco's encoding
  std::span<const FalcoFlagName> names;       // Falco's table, in its order
  // An enum (a value names one entry, every alias of it) rather than a bit set.
  bool is_enum = false;
  // evt.rawarg shows the number in hex (Falco's PF_HEX display), not decimal.
  bool raw_in_hex = false;
  // Not flags to Falco but a plain number it displays in hex: evt.args and evt.arg show
  // "1040" for 0x1040, never names.
  bool hex_number_only = false;
};

// The set an argument kind is rendered with; null for kinds that are not Falco flag sets.
const FalcoFlagSet* FalcoFlagSetOf(ArgKind kind);

// Falco's names for a value in its encoding, joined with '|' as libsinsp joins them: a bit
// set takes each entry whose bits are all still set (clearing them, so O_RDWR hides
// O_WRONLY) and stops at an entry equal to the whole value; an enum takes every entry equal
// to the value. "" when no entry applies (Falco then shows the number alone).
std::string FalcoFlagNames(const FalcoFlagSet& set, uint32_t falco_value);
// The value as evt.arg.NAME shows it: its names, else its number (hex for hex_number_only).
std::string FalcoFlagText(const FalcoFlagSet& set, uint32_t falco_value);
// As evt.args shows it: "512(AT_REMOVEDIR)", or the number alone.
std::string FalcoFlagArgsText(const FalcoFlagSet& set, uint32_t falco_value);

// The clone family's flags in Falco's encoding. `child_in_pidns`: the new task is not in
// the initial pid namespace (Falco's CLONE_CHILD_IN_PIDNS, which its probe derives from
// the namespaces rather than from the flags).
uint32_t FalcoCloneFlags(uint64_t kernel_flags, bool child_in_pidns);
inline constexpr uint32_t kFalcoCloneChildInPidns = 1u << 29;

}  // namespace riposte
