#include "state/proc_scanner.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "riposte_abi.h"
#include "state/container_id.h"
#include "state/controller_cgroups.h"
#include "decode/socket_format.h"
#include "state/path_resolution.h"
#include "state/proc_files.h"

namespace riposte {
namespace {

constexpr unsigned long kPfKthread = 0x00200000;  // PF_KTHREAD, include/linux/sched.h

// Where the cgroup v2 hierarchy is mounted on this host ("" when it is not, or when the
// scanner reads a test's /proc): /sys/fs/cgroup on a v2 host, /sys/fs/cgroup/unified on a
// hybrid one.
std::string CgroupV2Root(const std::string& proc_root) {
  if (proc_root != "/proc") return {};
  for (const char* dir : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"})
    if (::access((std::string(dir) + "/cgroup.controllers").c_str(), R_OK) == 0) return dir;
  return {};
}

}  // namespace

ProcScanner::ProcScanner(std::string proc_root)
    : root_(std::move(proc_root)),
      cgroup_v2_root_(CgroupV2Root(root_)),
      ns_per_tick_(1000000000ull / static_cast<uint64_t>(sysconf(_SC_CLK_TCK))) {}

std::vector<uint32_t> ProcScanner::ListPids() const {
  std::vector<uint32_t> pids;
  DIR* d = ::opendir(root_.c_str());
  if (!d) return pids;
  while (dirent* e = ::readdir(d)) {
    char* end = nullptr;
    unsigned long v = std::strtoul(e->d_name, &end, 10);
    if (end && *end == '\0' && v > 0) pids.push_back(static_cast<uint32_t>(v));
  }
  ::closedir(d);
  return pids;
}

std::optional<ProcessInfo> ProcScanner::ReadStat(uint32_t pid) const {
  auto stat = ReadProcFile(root_ + "/" + std::to_string(pid) + "/stat", 4096);
  if (!stat || stat->empty()) return std::nullopt;
  ProcessInfo p;
  p.pid = pid;
  // "pid (comm) state ppid pgrp session tty_nr tpgid flags ..." — comm may hold spaces and parens.
  size_t open = stat->find('('), close = stat->rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open)
    return std::nullopt;
  p.comm = stat->substr(open + 1, close - open - 1);
  std::istringstream rest(stat->substr(close + 2));
  std::string state;
  long ppid = 0, pgrp = 0, session = 0, tty = 0, tpgid = 0;
  unsigned long flags = 0;
  rest >> state >> ppid >> pgrp >> session >> tty >> tpgid >> flags;
  std::string skip;
  for (int i = 0; i < 12; ++i) rest >> skip;  // fields 10..21
  unsigned long long start_ticks = 0;
  rest >> start_ticks;  // field 22
  p.ppid = static_cast<uint32_t>(ppid);
  p.pgid = static_cast<uint32_t>(pgrp);
  p.sid = static_cast<uint32_t>(session);
  p.tty = static_cast<uint32_t>(tty);
  p.kernel_thread = (flags & kPfKthread) != 0;
  p.start_boottime_ns = start_ticks * ns_per_tick_;
  return p;
}

bool ProcScanner::SameStart(const ProcessInfo& from_proc, uint64_t kernel_start_ns) const {
  // Start times from the kernel are in ns; /proc rounds them to ticks.
  return from_proc.start_boottime_ns / ns_per_tick_ == kernel_start_ns / ns_per_tick_;
}

std::optional<ProcessInfo> ProcScanner::ReadProcess(uint32_t pid, bool with_fds) const {
  const std::string base = root_ + "/" + std::to_string(pid);
  auto parsed = ReadStat(pid);
  if (!parsed) return std::nullopt;
  ProcessInfo p = std::move(*parsed);
  p.from_proc_scan = true;

  if (auto status = ReadProcFile(base + "/status", 8192)) {
    std::istringstream in(*status);
    std::string line;
    while (std::getline(in, line)) {
      auto value = [&](std::string_view key) -> std::optional<std::string> {
        if (!std::string_view(line).starts_with(key)) return std::nullopt;
        return line.substr(key.size());
      };
      if (auto v = value("Uid:")) {
        std::istringstream s(*v);
        s >> p.uid >> p.euid;
      } else if (auto v = value("Gid:")) {
        std::istringstream s(*v);
        s >> p.gid >> p.egid;
      } else if (auto v = value("CapEff:\t")) {
        p.cap_effective = ParseHex(*v);
      } else if (auto v = value("CapPrm:\t")) {
        p.cap_permitted = ParseHex(*v);
      } else if (auto v = value("CapInh:\t")) {
        p.cap_inheritable = ParseHex(*v);
      } else if (auto v = value("Threads:")) {
        p.threads = std::max<uint32_t>(1, static_cast<uint32_t>(std::strtoul(v->c_str(), nullptr, 10)));
      } else if (auto v = value("NSpid:")) {
        std::istringstream s(*v);
        uint32_t x = 0;
        while (s >> x) p.vpid = x;  // the last one is the innermost namespace
      }
    }
  }
  if (auto cmdline = ReadProcFile(base + "/cmdline", RP_ARGS_MAX)) {
    p.args_truncated = cmdline->size() == RP_ARGS_MAX;
    auto argv = SplitNulSeparated(*cmdline);
    if (!argv.empty()) {
      p.exe = argv.front();
      p.args.assign(argv.begin() + 1, argv.end());
    }
  }
  if (auto environ = ReadProcFile(base + "/environ", RP_ENV_MAX)) {
    p.env_truncated = environ->size() == RP_ENV_MAX;
    p.env = SplitNulSeparated(*environ);
  }
  if (auto login = ReadProcFile(base + "/loginuid", 32)) {
    p.loginuid = static_cast<uint32_t>(std::strtoul(login->c_str(), nullptr, 10));
  }
  p.exepath = ReadProcLink(base + "/exe");
  p.exe_from_memfd = p.exepath.starts_with("/memfd:");
  p.cwd = ReadProcLink(base + "/cwd");
  struct stat st {};
  if (::stat((base + "/exe").c_str(), &st) == 0) {
    p.exe_ino = st.st_ino;
    p.exe_ctime_ns = st.st_ctim.tv_sec * 1000000000ll + st.st_ctim.tv_nsec;
    p.exe_mtime_ns = st.st_mtim.tv_sec * 1000000000ll + st.st_mtim.tv_nsec;
  }
  if (auto cg = ReadProcFile(base + "/cgroup", 8192)) {
    // Prefer the unified ("0::") line; on a v1 host the pids controller's line.
    std::istringstream in(*cg);
    std::string line, v2, v1;
    while (std::getline(in, line)) {
      auto colon2 = line.find(':', line.find(':') + 1);
      if (colon2 == std::string::npos) continue;
      std::string ctrl = line.substr(line.find(':') + 1, colon2 - line.find(':') - 1);
      std::string path = line.substr(colon2 + 1);
      if (ctrl.empty()) v2 = path;
      if (ctrl == "pids") v1 = path;
    }
    p.cgroup = !v1.empty() ? v1 : v2;
    p.controller_cgroups = ControllerCgroupsFromProc(*cg, [this](std::string_view path) -> std::string {
      if (cgroup_v2_root_.empty()) return {};
      return ReadProcFile(cgroup_v2_root_ + std::string(path) + "/cgroup.controllers", 4096).value_or("");
    });
  }
  auto ns_inode = [&](const char* ns) -> uint32_t {
    std::string link = ReadProcLink(base + "/ns/" + ns);  // "pid:[4026531836]"
    auto lb = link.find('[');
    return lb == std::string::npos ? 0 : static_cast<uint32_t>(std::strtoul(link.c_str() + lb + 1, nullptr, 10));
  };
  p.pidns_inum = ns_inode("pid_for_children");
  p.mntns_inum = ns_inode("mnt");
  if (with_fds) ReadFds(pid, p);
  return p;
}

std::optional<FdInfo> ProcScanner::DescribeFd(const std::string& link) const {
  std::string target = ReadProcLink(link);
  if (target.empty()) return std::nullopt;
  FdInfo info;
  if (target.front() == '/') {
    info.type = FdType::kFile;
    struct stat st {};
    if (::stat(link.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) info.type = FdType::kDirectory;
      // glibc's dev_t is the kernel's user-visible encoding, which is Falco's.
      info.dev = static_cast<uint32_t>(st.st_dev);
      info.ino = st.st_ino;
    }
    if (target.starts_with("/memfd:")) info.type = FdType::kMemfd;
    info.name = std::move(target);
  } else if (target.starts_with("socket:[")) {
    uint64_t ino = std::strtoull(target.c_str() + 8, nullptr, 10);
    auto it = sockets_by_inode_.find(ino);
    if (it != sockets_by_inode_.end()) info = it->second;
  } else if (target.starts_with("pipe:[")) {
    info.type = FdType::kPipe;
  } else if (target == "anon_inode:[eventfd]") {
    info.type = FdType::kEvent;
  } else if (target == "anon_inode:[eventpoll]") {
    info.type = FdType::kEventpoll;
  } else if (target == "anon_inode:[signalfd]") {
    info.type = FdType::kSignalfd;
  } else if (target == "anon_inode:inotify") {
    info.type = FdType::kInotify;
  } else if (target.starts_with("anon_inode:bpf")) {
    info.type = FdType::kBpf;
  } else if (target == "anon_inode:[timerfd]") {
    info.type = FdType::kTimerfd;
  }
  return info;
}

void ProcScanner::ReadFds(uint32_t pid, ProcessInfo& p) const {
  const std::string dir = root_ + "/" + std::to_string(pid) + "/fd";
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  while (dirent* e = ::readdir(d)) {
    char* end = nullptr;
    long fd = std::strtol(e->d_name, &end, 10);
    if (!end || *end != '\0' || e->d_name[0] == '.') continue;
    if (auto info = DescribeFd(dir + "/" + e->d_name)) p.fds.Set(fd, std::move(*info));
  }
  ::closedir(d);
}

std::optional<FdInfo> ProcScanner::ReadFd(uint32_t pid, int64_t fd) const {
  if (fd < 0) return std::nullopt;
  return DescribeFd(root_ + "/" + std::to_string(pid) + "/fd/" + std::to_string(fd));
}

bool ProcScanner::IsAlive(const ProcessInfo& p) const {
  auto now = ReadStat(p.pid);
  return now && SameStart(*now, p.start_boottime_ns);
}

void ProcScanner::LoadSocketInodes() {
  sockets_by_inode_.clear();
  for (auto& [inode, socket] : ReadSocketTables(root_ + "/net")) sockets_by_inode_[inode] = std::move(socket.info);
}

}  // namespace riposte
