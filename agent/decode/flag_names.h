// Renders numeric syscall arguments the way Falco renders them: open flags as
// "O_WRONLY|O_CREAT|O_TRUNC", signals as "SIGKILL" (Falco's re-encoded flag sets, clone's
// and ptrace's among them, are in decode/falco_flag_sets).
#pragma once

#include <cstdint>
#include <string>

namespace riposte {

// What an open did rather than asked, which Falco's open events report among the flags
// (O_F_CREATED, FD_UPPER_LAYER, FD_LOWER_LAYER): riposte carries them above the kernel's
// open flag bits, which never reach that high.
inline constexpr uint64_t kOpenCreatedFile = 1ull << 40, kOpenUpperLayer = 1ull << 41, kOpenLowerLayer = 1ull << 42;
std::string OpenFlagsName(uint64_t flags);
// Open flags in Falco's own encoding (its driver's PPM_O_* bits: O_RDONLY is 1, O_WRONLY 2,
// O_CREAT 4, ... O_F_CREATED 1 << 14), which is what evt.rawarg.flags of an open is in Falco.
uint32_t FalcoOpenFlags(uint64_t flags);
// creat's creat_flags (Falco's: FD_UPPER_LAYER_CREAT 1, FD_LOWER_LAYER_CREAT 2) by name.
inline constexpr uint32_t kFalcoCreatUpperLayer = 1, kFalcoCreatLowerLayer = 2;
std::string CreatFlagsName(uint32_t creat_flags);
// The fd flags pipe2, dup3 and socket's type carry, in Falco's encoding: its probe keeps
// O_CLOEXEC, O_NONBLOCK and O_DIRECT only (a negative value: none).
uint32_t FalcoFdFlags(uint64_t kernel_flags);
// A value named with Falco's file-flag table, as Falco joins names: table order, a name's
// bits taken once matched (O_RDWR before O_WRONLY and O_RDONLY), "O_NONE" for 0; "" when
// no name applies (Falco then prints the number).
std::string FalcoFileFlagNames(uint32_t falco_flags);
// memfd_create's flags: "MFD_CLOEXEC|MFD_ALLOW_SEALING"; "" for none (Falco prints 0).
std::string MemfdFlagsName(uint32_t flags);
std::string SignalName(int sig);
// chmod's mode as Falco renders it: "S_IXOTH|S_IROTH|...|S_ISUID", lowest bit first; "0".
std::string ChmodModeName(uint64_t mode);
// Falco's name for a prctl option ("PR_SET_NAME"); empty for one its table lacks.
std::string PrctlOptionName(uint64_t option);
// execve's flags in Falco's encoding (EXE_WRITABLE 1, EXE_UPPER_LAYER 2, EXE_FROM_MEMFD 4,
// EXE_LOWER_LAYER 8), named in that order: "EXE_WRITABLE|EXE_UPPER_LAYER".
inline constexpr uint32_t kFalcoExeWritable = 1, kFalcoExeUpperLayer = 2, kFalcoExeFromMemfd = 4,
                          kFalcoExeLowerLayer = 8;
std::string ExecFlagsName(uint32_t falco_flags);
std::string SocketFamilyName(uint64_t family);
std::string SocketTypeName(uint64_t type);
// Falco's number for a socket family (the kernel's, when Falco's table names it; 0,
// AF_UNSPEC, for any other) and its names for it, every alias joined ("AF_LOCAL|AF_UNIX").
uint32_t FalcoSocketFamily(uint64_t domain);
std::string FalcoSocketFamilyName(uint32_t family);
std::string ErrnoName(int64_t err);  // "ENOENT" for 2; "" when unknown

}  // namespace riposte
