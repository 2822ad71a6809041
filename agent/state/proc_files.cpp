#include "state/proc_files.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <sstream>

#include "decode/socket_format.h"

namespace riposte {
namespace {

// "0100007F:1F90": the address as /proc/net prints it (each 32-bit word in host byte
// order) and the port.
void ParseEndpoint(const std::string& ep, std::array<uint8_t, 16>& addr, uint16_t& port) {
  auto colon = ep.find(':');
  if (colon == std::string::npos) return;
  std::string hex = ep.substr(0, colon);
  port = static_cast<uint16_t>(ParseHex(ep.substr(colon + 1)));
  for (size_t w = 0; w < hex.size() / 8 && w < 4; ++w) {
    uint32_t word = static_cast<uint32_t>(ParseHex(hex.substr(w * 8, 8)));
    std::memcpy(&addr[w * 4], &word, 4);
  }
}

bool IsLoopbackAddress(uint16_t family, const IpBytes& a) {
  static const IpBytes kV6{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return family == AF_INET ? a[0] == 127 : a == kV6;
}

// Falco's view of a socket found at start: one with a peer is a tuple from this end (a
// client: Falco turns it round when its port is one a process listens on, which riposte
// does not look up); one without is a server socket bound to its own address.
void SeedFalcoView(FdInfo& info, uint16_t proto) {
  FalcoSocket& s = info.sock;
  s.l4 = proto == IPPROTO_TCP ? FalcoSocket::L4::kTcp : FalcoSocket::L4::kUdp;
  if (info.tuple.remote_port == 0) {
    if (info.tuple.local_port == 0) return;
    s.bound_server = true;
    s.role = FalcoSocket::Role::kServer;
    s.sip = info.tuple.local_addr, s.sport = info.tuple.local_port;
    info.name = FormatIp(info.tuple.family, s.sip) + ":" + std::to_string(s.sport);
    return;
  }
  s.role = FalcoSocket::Role::kClient;
  s.sip = info.tuple.local_addr, s.sport = info.tuple.local_port;
  s.dip = info.tuple.remote_addr, s.dport = info.tuple.remote_port;
  s.sip_local = true;
  s.dip_local = IsLoopbackAddress(info.tuple.family, s.dip);
}

void ReadInetTable(const std::string& path, FdType type, uint16_t proto, bool v6,
                   std::unordered_map<uint64_t, ProcSocket>& out) {
  auto text = ReadProcFile(path, 1 << 24);
  if (!text) return;
  std::istringstream in(*text);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string sl, local, remote, st, queues, tr, retr, uid, timeout, inode;
    s >> sl >> local >> remote >> st >> queues >> tr >> retr >> uid >> timeout >> inode;
    ProcSocket socket;
    FdInfo& info = socket.info;
    info.type = type;
    info.tuple.family = v6 ? AF_INET6 : AF_INET;
    info.tuple.protocol = proto;
    ParseEndpoint(local, info.tuple.local_addr, info.tuple.local_port);
    ParseEndpoint(remote, info.tuple.remote_addr, info.tuple.remote_port);
    info.name = FormatTupleName(info.tuple);
    SeedFalcoView(info, proto);
    if (proto == IPPROTO_TCP) socket.tcp_state = static_cast<int>(ParseHex(st));
    out[std::strtoull(inode.c_str(), nullptr, 10)] = std::move(socket);
  }
}

}  // namespace

std::optional<std::string> ReadProcFile(const std::string& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  out.resize(max_bytes);
  size_t got = 0;
  while (got < max_bytes) {
    ssize_t n = ::read(fd, out.data() + got, max_bytes - got);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  out.resize(got);
  return out;
}

std::string ReadProcLink(const std::string& path) {
  char buf[4096];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof(buf) - 1);
  if (n <= 0) return {};
  return std::string(buf, static_cast<size_t>(n));
}

uint64_t ParseHex(std::string_view s) {
  uint64_t v = 0;
  for (char c : s) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
          : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (d < 0) break;
    v = v * 16 + static_cast<uint64_t>(d);
  }
  return v;
}

std::vector<std::string> SplitNulSeparated(std::string_view blob, size_t max_items) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < blob.size() && out.size() < max_items) {
    size_t j = blob.find('\0', i);
    if (j == std::string_view::npos) j = blob.size();
    out.emplace_back(blob.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::unordered_map<uint64_t, ProcSocket> ReadSocketTables(const std::string& net_dir) {
  std::unordered_map<uint64_t, ProcSocket> out;
  ReadInetTable(net_dir + "/tcp", FdType::kIpv4, IPPROTO_TCP, false, out);
  ReadInetTable(net_dir + "/udp", FdType::kIpv4, IPPROTO_UDP, false, out);
  ReadInetTable(net_dir + "/tcp6", FdType::kIpv6, IPPROTO_TCP, true, out);
  ReadInetTable(net_dir + "/udp6", FdType::kIpv6, IPPROTO_UDP, true, out);
  if (auto text = ReadProcFile(net_dir + "/unix", 1 << 24)) {
    std::istringstream in(*text);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::istringstream s(line);
      std::string num, ref, proto, flags, type, st, inode, path;
      s >> num >> ref >> proto >> flags >> type >> st >> inode >> path;
      ProcSocket socket;
      socket.info.type = FdType::kUnix;
      socket.info.tuple.family = AF_UNIX;
      socket.info.name = path;
      out[std::strtoull(inode.c_str(), nullptr, 10)] = std::move(socket);
    }
  }
  return out;
}

}  // namespace riposte
