#include "output/process_snapshot.h"

namespace riposte {

using nlohmann::json;

json ProcessToSnapshot(const ProcessInfo& p) {
  json fds = json::array();
  for (const auto& [fd, info] : p.fds.entries()) {
    fds.push_back({{"fd", fd}, {"type", static_cast<int>(info.type)}, {"name", info.name},
                   {"flags", info.open_flags}, {"family", info.tuple.family},
                   {"proto", info.tuple.protocol}, {"lport", info.tuple.local_port},
                   {"rport", info.tuple.remote_port},
                   {"laddr", std::vector<uint8_t>(info.tuple.local_addr.begin(), info.tuple.local_addr.end())},
                   {"raddr", std::vector<uint8_t>(info.tuple.remote_addr.begin(), info.tuple.remote_addr.end())}});
  }
  return json{{"pid", p.pid}, {"ppid", p.ppid}, {"vpid", p.vpid}, {"sid", p.sid}, {"pgid", p.pgid},
              {"tty", p.tty}, {"uid", p.uid}, {"gid", p.gid}, {"euid", p.euid}, {"egid", p.egid},
              {"loginuid", p.loginuid}, {"start", p.start_boottime_ns},
              {"capeff", p.cap_effective}, {"capprm", p.cap_permitted}, {"capinh", p.cap_inheritable},
              {"comm", p.comm}, {"exe", p.exe}, {"exepath", p.exepath}, {"args", p.args},
              {"env", p.env}, {"cwd", p.cwd}, {"exe_ino", p.exe_ino}, {"exe_ctime", p.exe_ctime_ns},
              {"exe_mtime", p.exe_mtime_ns}, {"memfd", p.exe_from_memfd},
              {"upper", p.exe_upper_layer}, {"cgroup", p.cgroup}, {"pidns", p.pidns_inum},
              {"mntns", p.mntns_inum}, {"fds", std::move(fds)}};
}

Result<ProcessInfo> ProcessFromSnapshot(const json& j) {
  try {
    ProcessInfo p;
    p.pid = j.at("pid");
    p.ppid = j.at("ppid");
    p.vpid = j.at("vpid");
    p.sid = j.at("sid");
    p.pgid = j.at("pgid");
    p.tty = j.at("tty");
    p.uid = j.at("uid");
    p.gid = j.at("gid");
    p.euid = j.at("euid");
    p.egid = j.at("egid");
    p.loginuid = j.at("loginuid");
    p.start_boottime_ns = j.at("start");
    p.cap_effective = j.at("capeff");
    p.cap_permitted = j.at("capprm");
    p.cap_inheritable = j.at("capinh");
    p.comm = j.at("comm");
    p.exe = j.at("exe");
    p.exepath = j.at("exepath");
    p.args = j.at("args").get<std::vector<std::string>>();
    p.env = j.at("env").get<std::vector<std::string>>();
    p.cwd = j.at("cwd");
    p.exe_ino = j.at("exe_ino");
    p.exe_ctime_ns = j.at("exe_ctime");
    p.exe_mtime_ns = j.at("exe_mtime");
    p.exe_from_memfd = j.at("memfd");
    p.exe_upper_layer = j.at("upper");
    p.cgroup = j.at("cgroup");
    p.pidns_inum = j.at("pidns");
    p.mntns_inum = j.at("mntns");
    p.from_proc_scan = true;
    for (const auto& f : j.at("fds")) {
      FdInfo info;
      info.type = static_cast<FdType>(f.at("type").get<int>());
      info.name = f.at("name");
      info.open_flags = f.at("flags");
      info.tuple.family = f.at("family");
      info.tuple.protocol = f.at("proto");
      info.tuple.local_port = f.at("lport");
      info.tuple.remote_port = f.at("rport");
      auto la = f.at("laddr").get<std::vector<uint8_t>>();
      auto ra = f.at("raddr").get<std::vector<uint8_t>>();
      if (la.size() != 16 || ra.size() != 16) return Error{"snapshot fd address is not 16 bytes"};
      std::copy(la.begin(), la.end(), info.tuple.local_addr.begin());
      std::copy(ra.begin(), ra.end(), info.tuple.remote_addr.begin());
      p.fds.Set(f.at("fd").get<int64_t>(), std::move(info));
    }
    return p;
  } catch (const json::exception& e) {
    return Error{std::string("bad process snapshot: ") + e.what()};
  }
}

}  // namespace riposte
