#include "evidence/process_evidence.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <sstream>
#include <vector>

#include "audit/sha256.h"
#include "common/unique_fd.h"
#include "decode/socket_format.h"
#include "state/proc_files.h"
#include "state/proc_scanner.h"

namespace riposte {
namespace {

using Json = nlohmann::ordered_json;

// A /proc text, "" when it cannot be read (a process may end between two reads).
std::string ReadText(const std::string& path, size_t max) { return ReadProcFile(path, max).value_or(""); }

// "127.0.0.1:8080", "[::1]:8080".
std::string Endpoint(uint16_t family, const std::array<uint8_t, 16>& addr, uint16_t port) {
  const std::string ip = FormatIp(family, addr);
  return family == AF_INET6 ? "[" + ip + "]:" + std::to_string(port) : ip + ":" + std::to_string(port);
}

Json SocketJson(const ProcSocket& s) {
  static constexpr const char* kTcpStates[] = {"",          "ESTABLISHED", "SYN_SENT",   "SYN_RECV", "FIN_WAIT1",
                                               "FIN_WAIT2", "TIME_WAIT",   "CLOSE",      "CLOSE_WAIT", "LAST_ACK",
                                               "LISTEN",    "CLOSING"};
  const SocketTuple& t = s.info.tuple;
  if (t.family == AF_UNIX) return Json{{"protocol", "unix"}, {"path", s.info.name}};
  std::string protocol = t.protocol == IPPROTO_TCP ? "tcp" : "udp";
  if (t.family == AF_INET6) protocol += "6";
  Json j{{"protocol", protocol},
         {"local", Endpoint(t.family, t.local_addr, t.local_port)},
         {"remote", Endpoint(t.family, t.remote_addr, t.remote_port)}};
  if (t.protocol == IPPROTO_TCP && s.tcp_state > 0 && s.tcp_state < static_cast<int>(std::size(kTcpStates)))
    j["state"] = kTcpStates[s.tcp_state];
  return j;
}

// The socket tables of each network namespace, read once for all the processes in it.
class SocketTables {
 public:
  explicit SocketTables(std::string proc_root) : proc_root_(std::move(proc_root)) {}
  const std::unordered_map<uint64_t, ProcSocket>& Of(uint32_t pid) {
    const std::string dir = proc_root_ + "/" + std::to_string(pid);
    const std::string netns = ReadProcLink(dir + "/ns/net");
    auto it = by_netns_.find(netns);
    if (it == by_netns_.end() || netns.empty())
      it = by_netns_.insert_or_assign(netns, ReadSocketTables(dir + "/net")).first;
    return it->second;
  }

 private:
  std::string proc_root_;
  std::map<std::string, std::unordered_map<uint64_t, ProcSocket>> by_netns_;
};

Json Describe(uint32_t pid, const ProcessEvidenceLimits& limits, const std::string& proc_root,
              const ProcScanner& scanner, SocketTables& sockets) {
  const std::string dir = proc_root + "/" + std::to_string(pid);
  const auto stat = scanner.ReadStat(pid);
  if (!stat) return nullptr;
  Json p;
  p["pid"] = pid;
  p["ppid"] = stat->ppid;
  std::string comm = ReadText(dir + "/comm", 64);
  if (!comm.empty() && comm.back() == '\n') comm.pop_back();
  p["comm"] = comm;
  p["argv"] = SplitNulSeparated(ReadText(dir + "/cmdline", 128 << 10));
  p["cwd"] = ReadProcLink(dir + "/cwd");
  p["exe"] = ReadProcLink(dir + "/exe");
  // The executable as the process mapped it (through /proc, so a deleted or replaced
  // binary is still the one hashed).
  if (UniqueFd exe(open((dir + "/exe").c_str(), O_RDONLY | O_CLOEXEC)); exe.valid()) {
    struct stat st {};
    if (fstat(exe.get(), &st) == 0 && static_cast<uint64_t>(st.st_size) <= limits.max_exe_bytes) {
      if (auto d = DigestFile(exe.get())) {
        p["exe_sha256"] = d->sha256;
        p["exe_size"] = d->size;
      }
    } else {
      p["exe_sha256_skipped"] = "larger than the bound";
    }
  }
  const std::string environ = ReadText(dir + "/environ", 64 << 10);
  p["environ"] = SplitNulSeparated(environ);
  if (environ.size() >= (64 << 10)) p["environ_truncated"] = true;
  Json status = Json::object();
  std::istringstream st(ReadText(dir + "/status", 16 << 10));
  for (std::string line; std::getline(st, line);) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = line.substr(0, colon);
    static const char* kKept[] = {"Uid", "Gid", "Groups", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb",
                                  "NoNewPrivs", "Seccomp", "NSpid", "State", "Threads"};
    if (std::find(std::begin(kKept), std::end(kKept), key) == std::end(kKept)) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    status[key] = value;
  }
  p["status"] = std::move(status);
  Json ns = Json::object();
  for (const char* n : {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"}) ns[n] = ReadProcLink(dir + "/ns/" + n);
  p["namespaces"] = std::move(ns);
  p["cgroup"] = ReadText(dir + "/cgroup", 16 << 10);

  const auto& socket_table = sockets.Of(pid);
  Json fds = Json::array();
  if (DIR* d = opendir((dir + "/fd").c_str())) {
    std::vector<int> numbers;
    while (dirent* e = readdir(d))
      if (e->d_name[0] >= '0' && e->d_name[0] <= '9') numbers.push_back(std::atoi(e->d_name));
    closedir(d);
    std::sort(numbers.begin(), numbers.end());
    if (numbers.size() > limits.max_fds) {
      p["fds_truncated"] = numbers.size();
      numbers.resize(limits.max_fds);
    }
    for (int fd : numbers) {
      const std::string target = ReadProcLink(dir + "/fd/" + std::to_string(fd));
      Json f{{"fd", fd}, {"target", target}};
      if (target.rfind("socket:[", 0) == 0) {
        const uint64_t inode = std::strtoull(target.c_str() + 8, nullptr, 10);
        if (auto it = socket_table.find(inode); it != socket_table.end()) f["socket"] = SocketJson(it->second);
      }
      fds.push_back(std::move(f));
    }
  }
  p["fds"] = std::move(fds);
  Json maps = Json::array();
  std::istringstream m(ReadText(dir + "/maps", 4 << 20));
  for (std::string line; std::getline(m, line);) {
    if (maps.size() >= limits.max_maps) {
      p["maps_truncated"] = true;
      break;
    }
    maps.push_back(line);
  }
  p["maps"] = std::move(maps);
  return p;
}

}  // namespace

Json DescribeProcess(uint32_t pid, const ProcessEvidenceLimits& limits, const std::string& proc_root) {
  SocketTables sockets(proc_root);
  return Describe(pid, limits, proc_root, ProcScanner(proc_root), sockets);
}

Json DescribeProcessTree(uint32_t pid, const ProcessEvidenceLimits& limits, const std::string& proc_root) {
  const ProcScanner scanner(proc_root);
  auto parent_of = [&](uint32_t p) -> uint32_t {
    auto stat = scanner.ReadStat(p);
    return stat ? stat->ppid : 0;
  };
  Json out{{"target", pid}};
  std::vector<uint32_t> ancestors;
  for (uint32_t p = parent_of(pid); p > 1 && ancestors.size() < 64; p = parent_of(p)) ancestors.push_back(p);
  std::reverse(ancestors.begin(), ancestors.end());
  // Descendants: breadth first over the parent links of every process now.
  std::multimap<uint32_t, uint32_t> children;
  for (uint32_t p : scanner.ListPids()) children.emplace(parent_of(p), p);
  std::vector<uint32_t> order = ancestors;
  order.push_back(pid);
  for (size_t i = ancestors.size(); i < order.size() && order.size() < limits.max_processes; ++i) {
    auto [from, to] = children.equal_range(order[i]);
    for (auto it = from; it != to && order.size() < limits.max_processes; ++it) order.push_back(it->second);
  }
  if (order.size() >= limits.max_processes) out["truncated"] = true;
  SocketTables sockets(proc_root);
  Json processes = Json::array();
  for (uint32_t p : order) {
    Json d = Describe(p, limits, proc_root, scanner, sockets);
    if (d.is_null()) continue;
    d["role"] = p == pid ? "target" : (std::find(ancestors.begin(), ancestors.end(), p) != ancestors.end() ? "ancestor" : "descendant");
    processes.push_back(std::move(d));
  }
  out["processes"] = std::move(processes);
  return out;
}

}  // namespace riposte
