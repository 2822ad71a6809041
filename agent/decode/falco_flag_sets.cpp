#include "decode/falco_flag_sets.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/ptrace.h>

#include <cstdio>

#include <utility>

#include "decode/flag_names.h"

namespace riposte {
namespace {

// A kernel bit and the bit Falco's driver sets for it.
struct BitMap {
  uint64_t kernel;
  uint32_t falco;
};

template <size_t N>
uint32_t MapBits(uint64_t kernel_value, const BitMap (&map)[N]) {
  uint32_t out = 0;
  for (const BitMap& b : map)
    if (kernel_value & b.kernel) out |= b.falco;
  return out;
}

uint32_t Identity(uint64_t v) { return static_cast<uint32_t>(v); }

// --- clone, clone3, fork, vfork, unshare, setns ---------------------------------------------
// Falco's clone bits, in the order of its name table.
constexpr FalcoFlagName kCloneNames[] = {
    {1u << 0, "CLONE_FILES"},         {1u << 1, "CLONE_FS"},          {1u << 2, "CLONE_IO"},
    {1u << 3, "CLONE_NEWIPC"},        {1u << 4, "CLONE_NEWNET"},      {1u << 5, "CLONE_NEWNS"},
    {1u << 6, "CLONE_NEWPID"},        {1u << 7, "CLONE_NEWUTS"},      {1u << 8, "CLONE_PARENT"},
    {1u << 9, "CLONE_PARENT_SETTID"}, {1u << 10, "CLONE_PTRACE"},     {1u << 11, "CLONE_SIGHAND"},
    {1u << 12, "CLONE_SYSVSEM"},      {1u << 13, "CLONE_THREAD"},     {1u << 14, "CLONE_UNTRACED"},
    {1u << 15, "CLONE_VM"},           {1u << 16, "CLONE_INVERTED"},   {1u << 17, "NAME_CHANGED"},
    {1u << 18, "CLOSED"},             {1u << 20, "CLONE_NEWUSER"},    {1u << 23, "CLONE_CHILD_CLEARTID"},
    {1u << 24, "CLONE_CHILD_SETTID"}, {1u << 25, "CLONE_SETTLS"},     {1u << 26, "CLONE_STOPPED"},
    {1u << 27, "CLONE_VFORK"},        {1u << 28, "CLONE_NEWCGROUP"},  {kFalcoCloneChildInPidns, "CLONE_CHILD_IN_PIDNS"},
};
constexpr BitMap kCloneBits[] = {
    {CLONE_FILES, 1u << 0},           {CLONE_FS, 1u << 1},             {CLONE_IO, 1u << 2},
    {CLONE_NEWIPC, 1u << 3},          {CLONE_NEWNET, 1u << 4},         {CLONE_NEWNS, 1u << 5},
    {CLONE_NEWPID, 1u << 6},          {CLONE_NEWUTS, 1u << 7},         {CLONE_PARENT, 1u << 8},
    {CLONE_PARENT_SETTID, 1u << 9},   {CLONE_PTRACE, 1u << 10},        {CLONE_SIGHAND, 1u << 11},
    {CLONE_SYSVSEM, 1u << 12},        {CLONE_THREAD, 1u << 13},        {CLONE_UNTRACED, 1u << 14},
    {CLONE_VM, 1u << 15},             {CLONE_NEWUSER, 1u << 20},       {CLONE_CHILD_CLEARTID, 1u << 23},
    {CLONE_CHILD_SETTID, 1u << 24},   {CLONE_SETTLS, 1u << 25},        {CLONE_VFORK, 1u << 27},
    {CLONE_NEWCGROUP, 1u << 28},
};
// The driver reads the flags as an int: clone3's 64-bit flags lose their upper half.
uint32_t EncodeClone(uint64_t v) { return MapBits(static_cast<uint32_t>(v), kCloneBits); }

// --- the *at family's AT_ flags ----------------------------------------------------------------
constexpr uint32_t kAtRemovedir = 0x200, kAtSymlinkFollow = 0x400, kAtEmptyPath = 0x1000;
constexpr FalcoFlagName kUnlinkatNames[] = {{kAtRemovedir, "AT_REMOVEDIR"}};
constexpr FalcoFlagName kLinkatNames[] = {{kAtSymlinkFollow, "AT_SYMLINK_FOLLOW"}, {kAtEmptyPath, "AT_EMPTY_PATH"}};
// Falco's fchownat table names its AT_SYMLINK_FOLLOW bit "AT_SYMLINK_NOFOLLOW", and its
// driver keeps only AT_SYMLINK_FOLLOW and AT_EMPTY_PATH of what the caller passed: a
// caller's AT_SYMLINK_NOFOLLOW shows as 0.
constexpr FalcoFlagName kFchownatNames[] = {{kAtSymlinkFollow, "AT_SYMLINK_NOFOLLOW"}, {kAtEmptyPath, "AT_EMPTY_PATH"}};
uint32_t EncodeUnlinkat(uint64_t v) { return MapBits(v, {{AT_REMOVEDIR, kAtRemovedir}}); }
uint32_t EncodeLinkat(uint64_t v) {
  return MapBits(v, {{AT_SYMLINK_FOLLOW, kAtSymlinkFollow}, {AT_EMPTY_PATH, kAtEmptyPath}});
}

// --- renameat2 (passed through as the kernel took it) ----------------------------------------
constexpr FalcoFlagName kRenameNames[] = {{1, "RENAME_NOREPLACE"}, {2, "RENAME_EXCHANGE"}, {4, "RENAME_WHITEOUT"}};

// --- mount and umount2 ---------------------------------------------------------------------------
// Falco's mount bits are the kernel's MS_ bits; its names drop the MS_ prefix.
constexpr FalcoFlagName kMountNames[] = {
    {1u << 0, "RDONLY"},      {1u << 1, "NOSUID"},      {1u << 2, "NODEV"},       {1u << 3, "NOEXEC"},
    {1u << 4, "SYNCHRONOUS"}, {1u << 5, "REMOUNT"},     {1u << 6, "MANDLOCK"},    {1u << 7, "DIRSYNC"},
    {1u << 10, "NOATIME"},    {1u << 11, "NODIRATIME"}, {1u << 12, "BIND"},       {1u << 13, "MOVE"},
    {1u << 14, "REC"},        {1u << 15, "SILENT"},     {1u << 16, "POSIXACL"},   {1u << 17, "UNBINDABLE"},
    {1u << 18, "PRIVATE"},    {1u << 19, "SLAVE"},      {1u << 20, "SHARED"},     {1u << 21, "RELATIME"},
    {1u << 22, "KERNMOUNT"},  {1u << 23, "I_VERSION"},  {1u << 24, "STRICTATIME"}, {1u << 25, "LAZYTIME"},
    {1u << 28, "NOSEC"},      {1u << 29, "BORN"},       {1u << 30, "ACTIVE"},     {1u << 31, "NOUSER"},
};
// The magic number old callers put in the upper half (MS_MGC_VAL) is dropped, as the kernel
// ignores it.
uint32_t EncodeMount(uint64_t v) {
  auto flags = static_cast<uint32_t>(v);
  if ((flags & 0xffff0000u) == 0xc0ed0000u) flags &= 0xffffu;
  return flags;
}
constexpr FalcoFlagName kUmountNames[] = {{1, "FORCE"}, {2, "DETACH"}, {4, "EXPIRE"}, {8, "NOFOLLOW"}};
uint32_t EncodeUmount(uint64_t v) {
  return MapBits(v, {{MNT_FORCE, 1}, {MNT_DETACH, 2}, {MNT_EXPIRE, 4}, {UMOUNT_NOFOLLOW, 8}});
}

// --- finit_module ---------------------------------------------------------------------------------
constexpr FalcoFlagName kModuleNames[] = {
    {1, "MODULE_INIT_IGNORE_MODVERSIONS"}, {2, "MODULE_INIT_IGNORE_VERMAGIC"}, {4, "MODULE_INIT_COMPRESSED_FILE"}};
uint32_t EncodeModule(uint64_t v) { return static_cast<uint32_t>(v) & 7u; }

// --- bpf's command (the kernel's numbers) ---------------------------------------------------------
constexpr FalcoFlagName kBpfNames[] = {
    {0, "BPF_MAP_CREATE"},        {1, "BPF_MAP_LOOKUP_ELEM"},       {2, "BPF_MAP_UPDATE_ELEM"},
    {3, "BPF_MAP_DELETE_ELEM"},   {4, "BPF_MAP_GET_NEXT_KEY"},      {5, "BPF_PROG_LOAD"},
    {6, "BPF_OBJ_PIN"},           {7, "BPF_OBJ_GET"},               {8, "BPF_PROG_ATTACH"},
    {9, "BPF_PROG_DETACH"},       {10, "BPF_PROG_TEST_RUN"},        {10, "BPF_PROG_RUN"},
    {11, "BPF_PROG_GET_NEXT_ID"}, {12, "BPF_MAP_GET_NEXT_ID"},      {13, "BPF_PROG_GET_FD_BY_ID"},
    {14, "BPF_MAP_GET_FD_BY_ID"}, {15, "BPF_OBJ_GET_INFO_BY_FD"},   {16, "BPF_PROG_QUERY"},
    {17, "BPF_RAW_TRACEPOINT_OPEN"}, {18, "BPF_BTF_LOAD"},          {19, "BPF_BTF_GET_FD_BY_ID"},
    {20, "BPF_TASK_FD_QUERY"},    {21, "BPF_MAP_LOOKUP_AND_DELETE_ELEM"}, {22, "BPF_MAP_FREEZE"},
    {23, "BPF_BTF_GET_NEXT_ID"},  {24, "BPF_MAP_LOOKUP_BATCH"},     {25, "BPF_MAP_LOOKUP_AND_DELETE_BATCH"},
    {26, "BPF_MAP_UPDATE_BATCH"}, {27, "BPF_MAP_DELETE_BATCH"},     {28, "BPF_LINK_CREATE"},
    {29, "BPF_LINK_UPDATE"},      {30, "BPF_LINK_GET_FD_BY_ID"},    {31, "BPF_LINK_GET_NEXT_ID"},
    {32, "BPF_ENABLE_STATS"},     {33, "BPF_ITER_CREATE"},          {34, "BPF_LINK_DETACH"},
    {35, "BPF_PROG_BIND_MAP"},
};

// --- ptrace's request: Falco numbers the requests itself (PTRACE_TRACEME is 1) -------------------
// The kernel's request number and Falco's.
constexpr std::pair<uint64_t, uint32_t> kPtraceRequests[] = {
    {PTRACE_TRACEME, 1}, {PTRACE_PEEKTEXT, 2}, {PTRACE_PEEKDATA, 3}, {PTRACE_PEEKUSER, 4},
    {PTRACE_POKETEXT, 5}, {PTRACE_POKEDATA, 6}, {PTRACE_POKEUSER, 7}, {PTRACE_CONT, 8},
    {PTRACE_KILL, 9}, {PTRACE_SINGLESTEP, 10}, {PTRACE_ATTACH, 11}, {PTRACE_DETACH, 12},
    {PTRACE_SYSCALL, 13}, {PTRACE_SETOPTIONS, 14}, {PTRACE_GETEVENTMSG, 15}, {PTRACE_GETSIGINFO, 16},
    {PTRACE_SETSIGINFO, 17}, {PTRACE_GETREGSET, 18}, {PTRACE_SETREGSET, 19}, {PTRACE_SEIZE, 20},
    {PTRACE_INTERRUPT, 21}, {PTRACE_LISTEN, 22}, {PTRACE_PEEKSIGINFO, 23}, {PTRACE_GETSIGMASK, 24},
    {PTRACE_SETSIGMASK, 25}, {PTRACE_GETREGS, 26}, {PTRACE_SETREGS, 27}, {PTRACE_GETFPREGS, 28},
    {PTRACE_SETFPREGS, 29}, {PTRACE_GETFPXREGS, 30}, {PTRACE_SETFPXREGS, 31}, {21 /* PTRACE_OLDSETOPTIONS */, 32},
    {PTRACE_GET_THREAD_AREA, 33}, {PTRACE_SET_THREAD_AREA, 34}, {PTRACE_ARCH_PRCTL, 35}, {PTRACE_SYSEMU, 36},
    {PTRACE_SYSEMU_SINGLESTEP, 37}, {PTRACE_SINGLEBLOCK, 38},
};
constexpr FalcoFlagName kPtraceNames[] = {
    {0, "PTRACE_UNKNOWN"},   {1, "PTRACE_TRACEME"},     {2, "PTRACE_PEEKTEXT"},     {3, "PTRACE_PEEKDATA"},
    {4, "PTRACE_PEEKUSR"},   {5, "PTRACE_POKETEXT"},    {6, "PTRACE_POKEDATA"},     {7, "PTRACE_POKEUSR"},
    {8, "PTRACE_CONT"},      {9, "PTRACE_KILL"},        {10, "PTRACE_SINGLESTEP"},  {11, "PTRACE_ATTACH"},
    {12, "PTRACE_DETACH"},   {13, "PTRACE_SYSCALL"},    {14, "PTRACE_SETOPTIONS"},  {15, "PTRACE_GETEVENTMSG"},
    {16, "PTRACE_GETSIGINFO"}, {17, "PTRACE_SETSIGINFO"}, {18, "PTRACE_GETREGSET"}, {19, "PTRACE_SETREGSET"},
    {20, "PTRACE_SEIZE"},    {21, "PTRACE_INTERRUPT"},  {22, "PTRACE_LISTEN"},      {23, "PTRACE_PEEKSIGINFO"},
    {24, "PTRACE_GETSIGMASK"}, {25, "PTRACE_SETSIGMASK"}, {26, "PTRACE_GETREGS"},   {27, "PTRACE_SETREGS"},
    {28, "PTRACE_GETFPREGS"}, {29, "PTRACE_SETFPREGS"}, {30, "PTRACE_GETFPXREGS"},  {31, "PTRACE_SETFPXREGS"},
    {32, "PTRACE_OLDSETOPTIONS"}, {33, "PTRACE_GET_THREAD_AREA"}, {34, "PTRACE_SET_THREAD_AREA"},
    {35, "PTRACE_ARCH_PRCTL"}, {36, "PTRACE_SYSEMU"},   {37, "PTRACE_SYSEMU_SINGLESTEP"}, {38, "PTRACE_SINGLEBLOCK"},
};
uint32_t EncodePtrace(uint64_t v) {
  for (const auto& [kernel, falco] : kPtraceRequests)
    if (kernel == v) return falco;
  return 0;  // PTRACE_UNKNOWN
}

// --- accept4: O_NONBLOCK and O_CLOEXEC in Falco's open encoding, shown as a number ----------------
uint32_t EncodeAccept(uint64_t v) { return FalcoFdFlags(v & (O_NONBLOCK | O_CLOEXEC)); }

// --- openat2's resolve --------------------------------------------------------------------------
constexpr FalcoFlagName kResolveNames[] = {
    {1, "RESOLVE_BENEATH"}, {2, "RESOLVE_IN_ROOT"}, {4, "RESOLVE_NO_MAGICLINKS"},
    {8, "RESOLVE_NO_SYMLINKS"}, {16, "RESOLVE_NO_XDEV"}, {32, "RESOLVE_CACHED"}};
uint32_t EncodeResolve(uint64_t v) {
  // The kernel's RESOLVE_NO_XDEV 0x01, NO_MAGICLINKS 0x02, NO_SYMLINKS 0x04, BENEATH 0x08,
  // IN_ROOT 0x10, CACHED 0x20 (linux/openat2.h), in Falco's bits.
  return MapBits(v, {{0x01, 16}, {0x02, 4}, {0x04, 8}, {0x08, 1}, {0x10, 2}, {0x20, 32}});
}

const FalcoFlagSet kClone{EncodeClone, kCloneNames, false, true};
const FalcoFlagSet kUnlinkat{EncodeUnlinkat, kUnlinkatNames, false, true};
const FalcoFlagSet kLinkat{EncodeLinkat, kLinkatNames, false, true};
const FalcoFlagSet kFchownat{EncodeLinkat, kFchownatNames, false, true};
const FalcoFlagSet kRename{Identity, kRenameNames, false, true};
const FalcoFlagSet kMount{EncodeMount, kMountNames, false, true};
const FalcoFlagSet kUmount{EncodeUmount, kUmountNames, false, true};
const FalcoFlagSet kModule{EncodeModule, kModuleNames, false, true};
const FalcoFlagSet kBpfCommand{Identity, kBpfNames, true, false};
const FalcoFlagSet kPtrace{EncodePtrace, kPtraceNames, true, false};
const FalcoFlagSet kAccept{EncodeAccept, {}, false, true, true};
const FalcoFlagSet kResolve{EncodeResolve, kResolveNames, false, true};

}  // namespace

const FalcoFlagSet* FalcoFlagSetOf(ArgKind kind) {
  switch (kind) {
    case ArgKind::kCloneFlags: return &kClone;
    case ArgKind::kUnlinkatFlags: return &kUnlinkat;
    case ArgKind::kLinkatFlags: return &kLinkat;
    case ArgKind::kFchownatFlags: return &kFchownat;
    case ArgKind::kRenameFlags: return &kRename;
    case ArgKind::kMountFlags: return &kMount;
    case ArgKind::kUmountFlags: return &kUmount;
    case ArgKind::kModuleFlags: return &kModule;
    case ArgKind::kBpfCommand: return &kBpfCommand;
    case ArgKind::kPtraceRequest: return &kPtrace;
    case ArgKind::kAcceptFlags: return &kAccept;
    case ArgKind::kResolveFlags: return &kResolve;
    default: return nullptr;
  }
}

std::string FalcoFlagNames(const FalcoFlagSet& set, uint32_t falco_value) {
  std::string out;
  uint32_t left = falco_value;
  for (const FalcoFlagName& f : set.names) {
    bool match;
    if (set.is_enum) {
      match = f.value == falco_value;
    } else {
      match = f.value == 0 ? falco_value == 0 : left != 0 && (left & f.value) == f.value;
      left &= match ? ~f.value : ~0u;
    }
    if (!match) continue;
    if (!out.empty()) out += '|';
    out += f.name;
    if (!set.is_enum && f.value == falco_value) break;
  }
  return out;
}

std::string FalcoFlagText(const FalcoFlagSet& set, uint32_t falco_value) {
  if (set.hex_number_only) {
    char buf[12];
    std::snprintf(buf, sizeof(buf), "%X", falco_value);
    return buf;
  }
  std::string names = FalcoFlagNames(set, falco_value);
  return names.empty() ? std::to_string(falco_value) : names;
}

std::string FalcoFlagArgsText(const FalcoFlagSet& set, uint32_t falco_value) {
  if (set.hex_number_only) return FalcoFlagText(set, falco_value);
  std::string names = FalcoFlagNames(set, falco_value);
  return names.empty() ? std::to_string(falco_value) : std::to_string(falco_value) + "(" + names + ")";
}

uint32_t FalcoCloneFlags(uint64_t kernel_flags, bool child_in_pidns) {
  return EncodeClone(kernel_flags) | (child_in_pidns ? kFalcoCloneChildInPidns : 0);
}

}  // namespace riposte
