#include "decode/flag_names.h"

#include <fcntl.h>
#include <signal.h>

#include <gtest/gtest.h>

#include "decode/socket_format.h"

#include <arpa/inet.h>
#include <sys/un.h>

#include <cstring>

namespace riposte {
namespace {

TEST(FlagNames, OpenFlagsAsFalcoPrintsThem) {
  EXPECT_EQ(OpenFlagsName(O_RDONLY), "O_RDONLY");
  // Falco's order (its flag table), and its quirk: O_TMPFILE on every O_DIRECTORY open
  EXPECT_EQ(OpenFlagsName(O_WRONLY | O_CREAT | O_TRUNC), "O_TRUNC|O_CREAT|O_WRONLY");
  EXPECT_EQ(OpenFlagsName(O_RDWR | O_CLOEXEC | O_DIRECTORY), "O_DIRECTORY|O_RDWR|O_CLOEXEC|O_TMPFILE");
  EXPECT_EQ(OpenFlagsName(O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC), "O_DIRECTORY|O_NONBLOCK|O_RDONLY|O_CLOEXEC|O_TMPFILE");
  EXPECT_EQ(OpenFlagsName(O_RDWR | O_TMPFILE), "O_DIRECTORY|O_RDWR|O_TMPFILE");
  EXPECT_EQ(OpenFlagsName(O_RDONLY | O_PATH | O_NOFOLLOW), "O_RDONLY");  // no name in Falco's table
  EXPECT_EQ(OpenFlagsName(O_RDONLY | O_DSYNC), "O_SYNC|O_DSYNC|O_RDONLY");  // O_SYNC holds O_DSYNC's bit
  // What the open did comes last, in the same table.
  EXPECT_EQ(OpenFlagsName(O_CREAT | O_RDONLY | kOpenCreatedFile), "O_CREAT|O_RDONLY|O_F_CREATED");
  EXPECT_EQ(OpenFlagsName(O_RDWR | kOpenCreatedFile | kOpenUpperLayer), "O_RDWR|O_F_CREATED|FD_UPPER_LAYER");
  EXPECT_EQ(OpenFlagsName(O_RDONLY | kOpenLowerLayer), "O_RDONLY|FD_LOWER_LAYER");
  EXPECT_EQ(CreatFlagsName(kFalcoCreatUpperLayer), "FD_UPPER_LAYER_CREAT");
  EXPECT_EQ(CreatFlagsName(kFalcoCreatLowerLayer), "FD_LOWER_LAYER_CREAT");
}

TEST(FlagNames, SignalsAndErrno) {
  EXPECT_EQ(SignalName(SIGKILL), "SIGKILL");
  EXPECT_EQ(ErrnoName(2), "ENOENT");
  EXPECT_EQ(ErrnoName(0), "");
}

// Falco's raw open flags are its driver's encoding, each kernel mask tested for any bit.
TEST(FlagNames, OpenFlagsInFalcosEncoding) {
  EXPECT_EQ(FalcoOpenFlags(O_RDONLY), 1u);
  EXPECT_EQ(FalcoOpenFlags(O_WRONLY | O_CREAT | O_TRUNC), 2u | 4u | 256u);
  EXPECT_EQ(FalcoOpenFlags(O_RDWR | O_CLOEXEC), 3u | 4096u);
  EXPECT_EQ(FalcoOpenFlags(O_RDONLY | O_DIRECTORY), 1u | 1024u | 8192u);  // O_TMPFILE shares O_DIRECTORY's bit
  EXPECT_EQ(FalcoOpenFlags(O_WRONLY | O_DSYNC), 2u | 16u | 128u);         // and O_SYNC O_DSYNC's
  EXPECT_EQ(FalcoOpenFlags(O_CREAT | O_RDONLY | kOpenCreatedFile), 1u | 4u | (1u << 14));
  EXPECT_EQ(FalcoOpenFlags(O_RDONLY | kOpenUpperLayer), 1u | (1u << 15));
  EXPECT_EQ(FalcoOpenFlags(O_RDONLY | kOpenLowerLayer), 1u | (1u << 16));
}

// The fd flags of pipe2, dup3 and socket, and userfaultfd's, named with Falco's file-flag
// table as Falco names them; memfd_create's with its own.
TEST(FlagNames, FdFlagsAsFalcoNamesThem) {
  EXPECT_EQ(FalcoFdFlags(O_CLOEXEC), 4096u);
  EXPECT_EQ(FalcoFdFlags(O_CLOEXEC | O_NONBLOCK | O_DIRECT), 4096u | 64u | 512u);
  EXPECT_EQ(FalcoFdFlags(O_CLOEXEC | O_APPEND), 4096u);  // what Falco's probe does not keep is gone
  EXPECT_EQ(FalcoFdFlags(0x7fffffff), 4096u | 64u | 512u);
  EXPECT_EQ(FalcoFdFlags(static_cast<uint32_t>(-1)), 0u);  // a negative value: none
  EXPECT_EQ(FalcoFileFlagNames(0), "O_NONE");
  EXPECT_EQ(FalcoFileFlagNames(4096u | 64u | 512u), "O_DIRECT|O_NONBLOCK|O_CLOEXEC");
  EXPECT_EQ(FalcoFileFlagNames(3), "O_RDWR");  // its bits are taken: no O_WRONLY, O_RDONLY after it
  EXPECT_EQ(FalcoFileFlagNames(0x80800), "O_LARGEFILE");  // userfaultfd's O_NONBLOCK, as Falco reads it
  EXPECT_EQ(FalcoFileFlagNames(0x80000), "");             // no name: Falco prints the number
  EXPECT_EQ(MemfdFlagsName(3), "MFD_CLOEXEC|MFD_ALLOW_SEALING");
  EXPECT_EQ(MemfdFlagsName(0), "");
}

TEST(SocketFormat, ParsesInetAndUnixSockaddrs) {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(4444);
  in.sin_addr.s_addr = htonl(0x0a000001);
  auto sa = ParseSockaddr(std::string_view(reinterpret_cast<const char*>(&in), sizeof(in)));
  EXPECT_EQ(sa.family, AF_INET);
  EXPECT_EQ(sa.port, 4444);
  EXPECT_EQ(FormatIp(sa.family, sa.addr), "10.0.0.1");
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  std::strcpy(un.sun_path, "/run/containerd/containerd.sock");
  auto su = ParseSockaddr(std::string_view(reinterpret_cast<const char*>(&un), sizeof(un)));
  EXPECT_EQ(su.unix_path, "/run/containerd/containerd.sock");
  EXPECT_FALSE(su.abstract);
  // An abstract name is named without its leading NUL and without a '@', as Falco names it.
  sockaddr_un abstract{};
  abstract.sun_family = AF_UNIX;
  std::memcpy(abstract.sun_path, "\0rp-abstract", 12);
  auto sb = ParseSockaddr(std::string_view(reinterpret_cast<const char*>(&abstract),
                                           offsetof(sockaddr_un, sun_path) + 12));
  EXPECT_EQ(sb.unix_path, "rp-abstract");
  EXPECT_TRUE(sb.abstract);
  EXPECT_EQ(ParseSockaddr("x").family, 0);  // too short: not parsed, not crashed
}

}  // namespace
}  // namespace riposte
