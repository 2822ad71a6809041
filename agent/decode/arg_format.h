// One raw syscall argument as text, the way Falco renders it (flags by name, modes in
// octal, AT_FDCWD by name). Shared by event output and the rule engine's evt.arg fields.
#pragma once

#include <cstdint>
#include <string>

#include "kernel/syscall_table.h"

namespace riposte {

std::string FormatArg(ArgKind kind, uint64_t raw);
// An argument as evt.rawarg.NAME prints it: the number, in the base Falco displays it in.
std::string FormatRawArg(ArgKind kind, uint64_t raw);
// Whether that rendering is text rather than a plain decimal (modes: "644", "3FF"); Falco's
// JSON then holds a string.
bool RawArgIsText(ArgKind kind);
// Numeric value of an argument as the kernel saw it (sign-extended where the kind is signed).
int64_t ArgNumber(ArgKind kind, uint64_t raw);

}  // namespace riposte
