#include "output/event_format.h"

#include <fcntl.h>
#include <netinet/in.h>

#include <cstring>

#include "decode/arg_format.h"
#include "decode/capset_args.h"
#include "decode/failed_exec_strings.h"
#include "decode/flag_names.h"
#include "decode/socket_format.h"
#include "kernel/syscall_table.h"
#include "state/process_info.h"

namespace riposte {
namespace {

using nlohmann::json;

// Integers stay numbers in JSON; everything else is Falco's rendering.
json ArgValue(ArgKind kind, uint64_t raw) {
  if (kind == ArgKind::kInt || kind == ArgKind::kFd || kind == ArgKind::kPid || kind == ArgKind::kUInt ||
      kind == ArgKind::kOwnerId || (kind == ArgKind::kDirFd && static_cast<int32_t>(raw) != AT_FDCWD))
    return ArgNumber(kind, raw);
  return FormatArg(kind, raw);
}

json SockAddrJson(std::string_view raw) {
  SockAddr sa = ParseSockaddr(raw);
  if (sa.family == AF_UNIX) {
    json j{{"family", "AF_UNIX"}, {"path", sa.unix_path}};
    if (sa.abstract) j["abstract"] = true;
    return j;
  }
  if (sa.family == 0) return nullptr;
  return json{{"family", SocketFamilyName(sa.family)}, {"addr", FormatIp(sa.family, sa.addr)},
              {"port", sa.port}};
}

json ParamValue(const Event& e, int i) {
  const ParamInfo& pi = e.syscall->params[i];
  std::string_view raw = e.params[i];
  switch (pi.kind) {
    case ParamKind::kPath:
      return e.resolved_path[i].empty() ? std::string(raw) : e.resolved_path[i];
    case ParamKind::kString: return std::string(raw);
    case ParamKind::kSockaddr: return SockAddrJson(raw);
    case ParamKind::kOpenHow: {
      if (raw.size() < 24) return nullptr;
      uint64_t how[3];
      std::memcpy(how, raw.data(), 24);
      return json{{"flags", OpenFlagsName(how[0])}, {"mode", how[1]}, {"resolve", how[2]}};
    }
    case ParamKind::kFdPair: {
      if (raw.size() < 8) return nullptr;
      int32_t fds[2];
      std::memcpy(fds, raw.data(), 8);
      return json::array({fds[0], fds[1]});
    }
    case ParamKind::kCloneArgs: {
      if (raw.size() < 8) return nullptr;
      uint64_t flags;
      std::memcpy(&flags, raw.data(), 8);
      return FormatArg(ArgKind::kCloneFlags, flags);
    }
    case ParamKind::kCapHeader: return nullptr;  // shown with the data
    case ParamKind::kCapData: {
      auto caps = CapsetRequestOf(e);
      if (!caps) return nullptr;
      return json{{"effective", caps->effective}, {"permitted", caps->permitted}, {"inheritable", caps->inheritable}};
    }
    case ParamKind::kExecStrings: {
      auto strings = FailedExecStringsOf(e);
      if (!strings) return nullptr;
      return json{{"argv", strings->argv}, {"envp", strings->envp}};
    }
    case ParamKind::kNone: break;
  }
  return nullptr;
}

// Falco's cgroups, by controller: {"cpuset": "/", "memory": "/docker/c1", ...}.
json ControllerCgroupsJson(const ControllerCgroups& cgroups) {
  json out = json::object();
  for (const auto& [controller, path] : cgroups) out[controller] = path;
  return out;
}

json ProcessJson(const ProcessInfo& p) {
  return json{
      {"pid", p.pid}, {"ppid", p.ppid}, {"vpid", p.vpid}, {"name", p.comm}, {"exe", p.exe},
      {"exepath", p.exepath}, {"args", p.args}, {"cwd", p.cwd}, {"uid", p.uid}, {"gid", p.gid},
      {"euid", p.euid}, {"loginuid", static_cast<int64_t>(static_cast<int32_t>(p.loginuid))},
      {"sid", p.sid}, {"pgid", p.pgid}, {"tty", p.tty}, {"start_boottime_ns", p.start_boottime_ns},
      {"cap_effective", p.cap_effective}, {"cap_permitted", p.cap_permitted},
      {"exe_from_memfd", p.exe_from_memfd}, {"exe_upper_layer", p.exe_upper_layer},
      {"exe_ino", p.exe_ino}, {"exe_ctime_ns", p.exe_ctime_ns}, {"exe_mtime_ns", p.exe_mtime_ns},
      {"container_id", p.container_id.empty() ? "host" : p.container_id}, {"cgroup", p.cgroup},
      {"cgroups", ControllerCgroupsJson(p.controller_cgroups)}};
}

json FdJson(const FdInfo& fd) {
  json j{{"type", FdTypeName(fd.type)}, {"name", fd.name}};
  if (fd.tuple.family == AF_INET || fd.tuple.family == AF_INET6) {
    j["sip"] = FormatIp(fd.tuple.family, fd.tuple.local_addr);
    j["sport"] = fd.tuple.local_port;
    j["rip"] = FormatIp(fd.tuple.family, fd.tuple.remote_addr);
    j["rport"] = fd.tuple.remote_port;
    j["l4proto"] = fd.tuple.protocol == IPPROTO_TCP ? "tcp"
                   : fd.tuple.protocol == IPPROTO_UDP ? "udp" : std::to_string(fd.tuple.protocol);
  }
  return j;
}

}  // namespace

json EventToJson(const Event& e, const TimeBase& time) {
  json j{{"time", FormatRfc3339(time.ToWall(e.ts_boot_ns))},
         {"ts_boot_ns", e.ts_boot_ns},
         {"type", EventTypeName(e)},
         {"pid", e.pid},
         {"tid", e.tid},
         {"cpu", e.cpu}};
  switch (e.kind) {
    case EventKind::kSyscall: {
      j["ret"] = e.ret;
      if (e.ret < 0) j["errno"] = ErrnoName(-e.ret);
      json args = json::object();
      for (const auto& a : e.syscall->args)
        if (a.kind != ArgKind::kNone) args[std::string(a.name)] = ArgValue(a.kind, e.args[&a - e.syscall->args.data()]);
      for (int i = 0; i < 2; ++i) {
        const ParamInfo& pi = e.syscall->params[i];
        if (pi.kind != ParamKind::kNone && !(e.flags & RP_SYSCALL_NO_ENTER))
          args[std::string(pi.name)] = ParamValue(e, i);
      }
      j["args"] = std::move(args);
      json trunc = json::array();
      if (e.flags & RP_TRUNC_PARAM0) trunc.push_back(e.syscall->params[0].name);
      if (e.flags & RP_TRUNC_PARAM1) trunc.push_back(e.syscall->params[1].name);
      if (!trunc.empty()) j["truncated"] = std::move(trunc);
      if (e.flags & RP_SYSCALL_NO_ENTER) j["entry_missed"] = true;
      if (e.flags & RP_SYSCALL_PARAMS_AT_EXIT) j["params_read_at_exit"] = true;
      if (e.flags & RP_SYSCALL_CHILD_IN_PIDNS) j["child_in_pidns"] = true;
      j["uid"] = e.uid;
      if (e.flags & RP_SYSCALL_HAS_FILE) {  // what an open opened, as the kernel read it
        json opened = {{"dev_major", e.file.dev >> 20}, {"dev_minor", e.file.dev & 0xfffff}, {"ino", e.file.ino},
                       {"created", (e.file.facts & RP_FILE_CREATED) != 0}};
        if (e.file.facts & RP_FILE_UPPER_LAYER) opened["overlay_layer"] = "upper";
        if (e.file.facts & RP_FILE_LOWER_LAYER) opened["overlay_layer"] = "lower";
        j["opened"] = std::move(opened);
      }
      if (e.fd) j["fd"] = FdJson(*e.fd);
      break;
    }
    case EventKind::kProcessExec: {
      json trunc = json::array();
      if (e.exec->flags & RP_TRUNC_EXE) trunc.push_back("exe");
      if (e.exec->flags & RP_TRUNC_ARGS) trunc.push_back("args");
      if (e.exec->flags & RP_TRUNC_ENV) trunc.push_back("env");
      if (e.exec->flags & RP_TRUNC_CGROUP) trunc.push_back("cgroup");
      if (e.exec->flags & RP_TRUNC_FILENAME) trunc.push_back("filename");
      if (!trunc.empty()) j["truncated"] = std::move(trunc);
      j["filename"] = std::string(e.exec_filename);  // the path the exec was given
      break;
    }
    case EventKind::kProcessFork:
      j["child_pid"] = e.child_pid;
      j["child_tid"] = e.child_tid;
      j["child_comm"] = std::string(e.child_comm);
      j["pidns_init_start_ns"] = e.child_pidns_init_start_ns;
      break;
    case EventKind::kProcessExit:
      j["exit_code"] = e.exit_code;
      j["group_dead"] = e.group_dead;
      j["reaper_tid"] = e.reaper_tid;
      break;
  }
  if (e.process) j["proc"] = ProcessJson(*e.process);
  return j;
}

std::string EventToText(const Event& e, const TimeBase& time) {
  std::string s = FormatRfc3339(time.ToWall(e.ts_boot_ns));
  s += ' ';
  s += e.process ? e.process->comm : std::string("?");
  s += '(' + std::to_string(e.pid) + ") ";
  s += EventTypeName(e);
  if (e.kind == EventKind::kSyscall) {
    json j = EventToJson(e, time);
    for (auto& [k, v] : j["args"].items()) s += ' ' + k + '=' + (v.is_string() ? v.get<std::string>() : v.dump());
    s += " = " + std::to_string(e.ret);
    if (e.ret < 0) s += ' ' + ErrnoName(-e.ret);
    if (e.fd && !e.fd->name.empty()) s += " fd.name=" + e.fd->name;
  } else if (e.kind == EventKind::kProcessExec && e.process) {
    s += ' ' + e.process->exepath;
    for (const auto& a : e.process->args) s += ' ' + a;
  } else if (e.kind == EventKind::kProcessFork) {
    s += " child=" + std::to_string(e.child_pid);
  } else if (e.kind == EventKind::kProcessExit) {
    s += " code=" + std::to_string(e.exit_code);
  }
  if (e.process) s += " container=" + (e.process->container_id.empty() ? std::string("host") : e.process->container_id);
  return s;
}

}  // namespace riposte
