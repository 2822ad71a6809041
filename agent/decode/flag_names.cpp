#include "decode/flag_names.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

#include "decode/falco_flag_sets.h"

namespace riposte {
namespace {

constexpr uint32_t kFalcoOpenTmpfile = 1u << 13;  // set on every O_DIRECTORY open too

struct Bit {
  uint64_t mask;
  std::string_view name;
};

std::string JoinBits(uint64_t value, std::initializer_list<Bit> bits, std::string first = {}) {
  std::string out = std::move(first);
  for (const auto& b : bits) {
    if ((value & b.mask) == b.mask && b.mask != 0) {
      if (!out.empty()) out += '|';
      out += b.name;
      value &= ~b.mask;
    }
  }
  if (value) {
    if (!out.empty()) out += '|';
    char buf[24];
    snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(value));
    out += buf;
  }
  return out;
}

}  // namespace

std::string OpenFlagsName(uint64_t flags) {
  // Falco's rendering: its driver's encoding of the kernel's flags (each kernel mask tested
  // for any bit, so O_TMPFILE shows on every O_DIRECTORY open and O_SYNC on every O_DSYNC
  // one), named with its file-flag table; flags it has no name for (O_PATH, O_NOFOLLOW,
  // O_NOATIME, O_NOCTTY, O_ASYNC) are not printed.
  return FalcoFileFlagNames(FalcoOpenFlags(flags));
}

uint32_t FalcoOpenFlags(uint64_t flags) {
  // Each kernel mask tested for any bit, as Falco's driver does (so O_TMPFILE, which holds
  // O_DIRECTORY's bit, is set on every O_DIRECTORY open, and O_SYNC on every O_DSYNC one).
  const auto acc = flags & O_ACCMODE;
  uint32_t out = acc == O_WRONLY ? 1u << 1 : acc == O_RDWR ? (1u << 0 | 1u << 1) : 1u << 0;
  const struct {
    uint64_t kernel;
    uint32_t falco;
  } bits[] = {
      {O_CREAT, 1u << 2},     {O_TMPFILE, kFalcoOpenTmpfile},  {O_APPEND, 1u << 3},    {O_DSYNC, 1u << 4},
      {O_EXCL, 1u << 5},      {O_NONBLOCK, 1u << 6},  {O_SYNC, 1u << 7},      {O_TRUNC, 1u << 8},
      {O_DIRECT, 1u << 9},    {O_DIRECTORY, 1u << 10}, {O_LARGEFILE, 1u << 11}, {O_CLOEXEC, 1u << 12},
      {kOpenCreatedFile, 1u << 14}, {kOpenUpperLayer, 1u << 15}, {kOpenLowerLayer, 1u << 16},
  };
  for (const auto& b : bits)
    if (flags & b.kernel) out |= b.falco;
  return out;
}

uint32_t FalcoFdFlags(uint64_t kernel_flags) {
  const auto flags = static_cast<int32_t>(kernel_flags);
  if (flags < 0) return 0;
  // Falco's open encoding of the three, less the access mode it always adds.
  constexpr uint32_t kAccessMode = 3;
  return FalcoOpenFlags(flags & (O_CLOEXEC | O_DIRECT | O_NONBLOCK)) & ~kAccessMode;
}

std::string FalcoFileFlagNames(uint32_t falco_flags) {
  static constexpr FalcoFlagName kTable[] = {
      {1u << 11, "O_LARGEFILE"}, {1u << 10, "O_DIRECTORY"}, {1u << 9, "O_DIRECT"}, {1u << 8, "O_TRUNC"},
      {1u << 7, "O_SYNC"},       {1u << 6, "O_NONBLOCK"},   {1u << 5, "O_EXCL"},   {1u << 4, "O_DSYNC"},
      {1u << 3, "O_APPEND"},     {1u << 2, "O_CREAT"},      {3, "O_RDWR"},         {2, "O_WRONLY"},
      {1, "O_RDONLY"},           {1u << 12, "O_CLOEXEC"},   {0, "O_NONE"},         {kFalcoOpenTmpfile, "O_TMPFILE"},
      {1u << 14, "O_F_CREATED"}, {1u << 15, "FD_UPPER_LAYER"}, {1u << 16, "FD_LOWER_LAYER"},
  };
  static const FalcoFlagSet kFileFlags{nullptr, kTable};
  return FalcoFlagNames(kFileFlags, falco_flags);
}

std::string MemfdFlagsName(uint32_t flags) {
  return JoinBits(flags, {{MFD_CLOEXEC, "MFD_CLOEXEC"}, {MFD_ALLOW_SEALING, "MFD_ALLOW_SEALING"}, {MFD_HUGETLB, "MFD_HUGETLB"}});
}

std::string CreatFlagsName(uint32_t creat_flags) {
  return JoinBits(creat_flags, {{kFalcoCreatUpperLayer, "FD_UPPER_LAYER_CREAT"}, {kFalcoCreatLowerLayer, "FD_LOWER_LAYER_CREAT"}});
}

std::string ChmodModeName(uint64_t mode) {
  if ((mode & 07777) == 0) return "0";
  return JoinBits(mode & 07777, {{S_IXOTH, "S_IXOTH"}, {S_IWOTH, "S_IWOTH"}, {S_IROTH, "S_IROTH"},
                                 {S_IXGRP, "S_IXGRP"}, {S_IWGRP, "S_IWGRP"}, {S_IRGRP, "S_IRGRP"},
                                 {S_IXUSR, "S_IXUSR"}, {S_IWUSR, "S_IWUSR"}, {S_IRUSR, "S_IRUSR"},
                                 {S_ISVTX, "S_ISVTX"}, {S_ISGID, "S_ISGID"}, {S_ISUID, "S_ISUID"}});
}

std::string SignalName(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  if (abbrev) return std::string("SIG") + abbrev;
  return std::to_string(sig);
}

std::string PrctlOptionName(uint64_t option) {
  // Falco's table: the options it names (its probe passes the number through).
  static constexpr std::pair<uint64_t, std::string_view> kNames[] = {
      {3, "PR_GET_DUMPABLE"}, {4, "PR_SET_DUMPABLE"}, {7, "PR_GET_KEEPCAPS"}, {8, "PR_SET_KEEPCAPS"},
      {15, "PR_SET_NAME"}, {16, "PR_GET_NAME"}, {21, "PR_GET_SECCOMP"}, {22, "PR_SET_SECCOMP"},
      {23, "PR_CAPBSET_READ"}, {24, "PR_CAPBSET_DROP"}, {27, "PR_GET_SECUREBITS"}, {28, "PR_SET_SECUREBITS"},
      {33, "PR_MCE_KILL"}, {35, "PR_SET_MM"}, {36, "PR_SET_CHILD_SUBREAPER"}, {37, "PR_GET_CHILD_SUBREAPER"},
      {38, "PR_SET_NO_NEW_PRIVS"}, {39, "PR_GET_NO_NEW_PRIVS"}, {40, "PR_GET_TID_ADDRESS"},
      {41, "PR_SET_THP_DISABLE"}, {42, "PR_GET_THP_DISABLE"}, {47, "PR_CAP_AMBIENT"},
  };
  for (const auto& [value, name] : kNames)
    if (value == static_cast<uint32_t>(option)) return std::string(name);
  return {};
}

std::string ExecFlagsName(uint32_t falco_flags) {
  return JoinBits(falco_flags, {{kFalcoExeWritable, "EXE_WRITABLE"}, {kFalcoExeUpperLayer, "EXE_UPPER_LAYER"},
                                {kFalcoExeFromMemfd, "EXE_FROM_MEMFD"}, {kFalcoExeLowerLayer, "EXE_LOWER_LAYER"}});
}

std::string SocketFamilyName(uint64_t family) {
  switch (family) {
    case AF_UNIX: return "AF_UNIX";
    case AF_INET: return "AF_INET";
    case AF_INET6: return "AF_INET6";
    case AF_NETLINK: return "AF_NETLINK";
    case AF_PACKET: return "AF_PACKET";
    default: return std::to_string(family);
  }
}

namespace {
// Falco's socket family names by number, its aliases in its table's order (AF_LOCAL before
// AF_UNIX, AF_ROUTE before AF_NETLINK); 27 and 28 have none.
constexpr std::pair<uint32_t, std::string_view> kFalcoSocketFamilies[] = {
    {0, "AF_UNSPEC"}, {1, "AF_LOCAL"}, {1, "AF_UNIX"}, {2, "AF_INET"}, {3, "AF_AX25"}, {4, "AF_IPX"},
    {5, "AF_APPLETALK"}, {6, "AF_NETROM"}, {7, "AF_BRIDGE"}, {8, "AF_ATMPVC"}, {9, "AF_X25"},
    {10, "AF_INET6"}, {11, "AF_ROSE"}, {12, "AF_DECnet"}, {13, "AF_NETBEUI"}, {14, "AF_SECURITY"},
    {15, "AF_KEY"}, {16, "AF_ROUTE"}, {16, "AF_NETLINK"}, {17, "AF_PACKET"}, {18, "AF_ASH"},
    {19, "AF_ECONET"}, {20, "AF_ATMSVC"}, {21, "AF_RDS"}, {22, "AF_SNA"}, {23, "AF_IRDA"},
    {24, "AF_PPPOX"}, {25, "AF_WANPIPE"}, {26, "AF_LLC"}, {29, "AF_CAN"}, {30, "AF_TIPC"},
    {31, "AF_BLUETOOTH"}, {32, "AF_IUCV"}, {33, "AF_RXRPC"}, {34, "AF_ISDN"}, {35, "AF_PHONET"},
    {36, "AF_IEEE802154"}, {37, "AF_CAIF"}, {38, "AF_ALG"}, {39, "AF_NFC"},
};
}  // namespace

uint32_t FalcoSocketFamily(uint64_t domain) {
  const uint32_t low = static_cast<uint8_t>(domain);  // the driver keeps one byte
  if (low != domain) return 0;
  for (const auto& [value, name] : kFalcoSocketFamilies)
    if (value == low) return low;
  return 0;  // AF_UNSPEC
}

std::string FalcoSocketFamilyName(uint32_t family) {
  std::string out;
  for (const auto& [value, name] : kFalcoSocketFamilies)
    if (value == family) out += (out.empty() ? "" : "|") + std::string(name);
  return out;
}

std::string SocketTypeName(uint64_t type) {
  std::string base;
  switch (type & 0xf) {
    case SOCK_STREAM: base = "SOCK_STREAM"; break;
    case SOCK_DGRAM: base = "SOCK_DGRAM"; break;
    case SOCK_RAW: base = "SOCK_RAW"; break;
    case SOCK_SEQPACKET: base = "SOCK_SEQPACKET"; break;
    default: base = std::to_string(type & 0xf); break;
  }
  return JoinBits(type & ~0xfull, {{SOCK_NONBLOCK, "SOCK_NONBLOCK"}, {SOCK_CLOEXEC, "SOCK_CLOEXEC"}},
                  base);
}

std::string ErrnoName(int64_t err) {
  if (err <= 0 || err > 4095) return {};
  const char* name = strerrorname_np(static_cast<int>(err));
  return name ? name : std::string();
}

}  // namespace riposte
