#include "evidence/process_evidence.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "audit/sha256.h"
#include "common/unique_fd.h"

namespace riposte {
namespace {

using Json = nlohmann::ordered_json;

std::string ReadText(const std::string& path, size_t max) {
  std::ifstream in(path, std::ios::binary);
  std::string out(max, '\0');
  in.read(out.data(), static_cast<std::streamsize>(max));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

std::string Link(const std::string& path) {
  char buf[4096];
  const ssize_t n = readlink(path.c_str(), buf, sizeof(buf));
  return n < 0 ? std::string() : std::string(buf, static_cast<size_t>(n));
}

std::vector<std::string> SplitNul(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == '\0') {
      out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::vector<uint32_t> Pids(const std::string& proc_root) {
  std::vector<uint32_t> out;
  if (DIR* d = opendir(proc_root.c_str())) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] >= '1' && e->d_name[0] <= '9') out.push_back(static_cast<uint32_t>(std::strtoul(e->d_name, nullptr, 10)));
    closedir(d);
  }
  return out;
}

// ppid from /proc/PID/stat (0 when unreadable).
uint32_t ParentOf(uint32_t pid, const std::string& proc_root) {
  const std::string stat = ReadText(proc_root + "/" + std::to_string(pid) + "/stat", 4096);
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::string state;
  uint32_t ppid = 0;
  rest >> state >> ppid;
  return ppid;
}

// "0100007F:1F90" -> "127.0.0.1:8080"; the address words as /proc/net prints them.
std::string Endpoint(const std::string& text) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos) return text;
  const std::string hex = text.substr(0, colon);
  const unsigned port = static_cast<unsigned>(std::strtoul(text.substr(colon + 1).c_str(), nullptr, 16));
  unsigned char addr[16] = {};
  const size_t words = std::min<size_t>(hex.size() / 8, 4);
  for (size_t w = 0; w < words; ++w) {
    const uint32_t word = static_cast<uint32_t>(std::strtoul(hex.substr(w * 8, 8).c_str(), nullptr, 16));
    std::memcpy(addr + w * 4, &word, 4);
  }
  char out[INET6_ADDRSTRLEN] = {};
  if (words == 1) inet_ntop(AF_INET, addr, out, sizeof(out));
  else inet_ntop(AF_INET6, addr, out, sizeof(out));
  return words == 1 ? std::string(out) + ":" + std::to_string(port) : "[" + std::string(out) + "]:" + std::to_string(port);
}

// The sockets of the process's network namespace, by inode.
std::map<std::string, Json> Sockets(uint32_t pid, const std::string& proc_root) {
  static constexpr const char* kTcpStates[] = {"",          "ESTABLISHED", "SYN_SENT",   "SYN_RECV", "FIN_WAIT1",
                                               "FIN_WAIT2", "TIME_WAIT",   "CLOSE",      "CLOSE_WAIT", "LAST_ACK",
                                               "LISTEN",    "CLOSING"};
  std::map<std::string, Json> out;
  const std::string net = proc_root + "/" + std::to_string(pid) + "/net/";
  for (const char* proto : {"tcp", "tcp6", "udp", "udp6"}) {
    std::istringstream in(ReadText(net + proto, 8 << 20));
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::istringstream s(line);
      std::string sl, local, remote, st, queues, tr, retr, uid, timeout, inode;
      s >> sl >> local >> remote >> st >> queues >> tr >> retr >> uid >> timeout >> inode;
      const unsigned state = static_cast<unsigned>(std::strtoul(st.c_str(), nullptr, 16));
      Json j{{"protocol", proto}, {"local", Endpoint(local)}, {"remote", Endpoint(remote)}};
      if (proto[0] == 't' && state < std::size(kTcpStates)) j["state"] = kTcpStates[state];
      out[inode] = std::move(j);
    }
  }
  std::istringstream in(ReadText(net + "unix", 8 << 20));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string num, refs, proto, flags, type, st, inode, path;
    s >> num >> refs >> proto >> flags >> type >> st >> inode >> path;
    out[inode] = Json{{"protocol", "unix"}, {"path", path}};
  }
  return out;
}

}  // namespace

Json DescribeProcess(uint32_t pid, const ProcessEvidenceLimits& limits, const std::string& proc_root) {
  const std::string dir = proc_root + "/" + std::to_string(pid);
  if (access(dir.c_str(), F_OK) != 0) return nullptr;
  Json p;
  p["pid"] = pid;
  p["ppid"] = ParentOf(pid, proc_root);
  std::string comm = ReadText(dir + "/comm", 64);
  if (!comm.empty() && comm.back() == '\n') comm.pop_back();
  p["comm"] = comm;
  p["argv"] = SplitNul(ReadText(dir + "/cmdline", 128 << 10));
  p["cwd"] = Link(dir + "/cwd");
  p["exe"] = Link(dir + "/exe");
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
  p["environ"] = SplitNul(environ);
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
  for (const char* n : {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"}) ns[n] = Link(dir + "/ns/" + n);
  p["namespaces"] = std::move(ns);
  p["cgroup"] = ReadText(dir + "/cgroup", 16 << 10);

  const auto sockets = Sockets(pid, proc_root);
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
      const std::string target = Link(dir + "/fd/" + std::to_string(fd));
      Json f{{"fd", fd}, {"target", target}};
      if (target.rfind("socket:[", 0) == 0) {
        const std::string inode = target.substr(8, target.size() - 9);
        if (auto it = sockets.find(inode); it != sockets.end()) f["socket"] = it->second;
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

Json DescribeProcessTree(uint32_t pid, const ProcessEvidenceLimits& limits, const std::string& proc_root) {
  Json out{{"target", pid}};
  std::vector<uint32_t> ancestors;
  for (uint32_t p = ParentOf(pid, proc_root); p > 1 && ancestors.size() < 64; p = ParentOf(p, proc_root))
    ancestors.push_back(p);
  std::reverse(ancestors.begin(), ancestors.end());
  // Descendants: breadth first over the parent links of every process now.
  std::multimap<uint32_t, uint32_t> children;
  for (uint32_t p : Pids(proc_root)) children.emplace(ParentOf(p, proc_root), p);
  std::vector<uint32_t> order = ancestors;
  order.push_back(pid);
  for (size_t i = ancestors.size(); i < order.size() && order.size() < limits.max_processes; ++i) {
    auto [from, to] = children.equal_range(order[i]);
    for (auto it = from; it != to && order.size() < limits.max_processes; ++it) order.push_back(it->second);
  }
  if (order.size() >= limits.max_processes) out["truncated"] = true;
  Json processes = Json::array();
  for (uint32_t p : order) {
    Json d = DescribeProcess(p, limits, proc_root);
    if (d.is_null()) continue;
    d["role"] = p == pid ? "target" : (std::find(ancestors.begin(), ancestors.end(), p) != ancestors.end() ? "ancestor" : "descendant");
    processes.push_back(std::move(d));
  }
  out["processes"] = std::move(processes);
  return out;
}

}  // namespace riposte
