// Builds raw kernel records byte for byte, as the BPF programs would, for unit tests of
// decoding and state without a kernel.
#pragma once

#include <sys/syscall.h>

#include <cstddef>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "riposte_abi.h"

namespace riposte::testing {

// 8-byte aligned storage, as ring-buffer records are.
struct RawRecord {
  std::vector<uint64_t> storage;
  size_t size = 0;
  std::span<const uint8_t> bytes() const {
    return {reinterpret_cast<const uint8_t*>(storage.data()), size};
  }
};

// The first `size` bytes of `r`, in aligned storage.
template <typename Record>
RawRecord Store(const Record& r, size_t size) {
  RawRecord out;
  out.storage.resize(sizeof(Record) / 8 + 1);
  std::memcpy(out.storage.data(), &r, size);
  out.size = size;
  return out;
}

inline RawRecord SyscallRecord(int nr, int64_t ret, std::vector<uint64_t> args = {},
                               std::string p0 = {}, std::string p1 = {}, uint32_t pid = 100,
                               bool nul_terminate = true) {
  rp_syscall_record r{};
  r.hdr.kind = RP_REC_SYSCALL;
  r.hdr.pid = pid;
  r.hdr.tid = pid;
  r.hdr.ts_boot_ns = 1000;
  r.nr = static_cast<uint16_t>(nr);
  r.ret = ret;
  for (size_t i = 0; i < args.size() && i < 6; ++i) r.args[i] = args[i];
  if (nul_terminate) {
    if (!p0.empty()) p0.push_back('\0');
    if (!p1.empty()) p1.push_back('\0');
  }
  std::memcpy(r.data, p0.data(), p0.size());
  std::memcpy(r.data + p0.size(), p1.data(), p1.size());
  r.param_len[0] = static_cast<uint16_t>(p0.size());
  r.param_len[1] = static_cast<uint16_t>(p1.size());
  size_t size = offsetof(rp_syscall_record, data) + p0.size() + p1.size();
  r.hdr.size = static_cast<uint16_t>(size);
  return Store(r, size);
}

inline RawRecord ExecRecord(uint32_t pid, uint32_t ppid, const std::string& exe,
                            const std::vector<std::string>& argv, const std::string& cgroup = "/",
                            const std::vector<std::string>& env = {}, const std::string& filename = {}) {
  auto r = std::make_unique<rp_exec_record>();
  std::memset(r.get(), 0, sizeof(*r));
  r->hdr.kind = RP_REC_PROC_EXEC;
  r->hdr.pid = pid;
  r->hdr.tid = pid;
  r->ppid = ppid;
  r->vpid = pid;
  r->start_boottime_ns = 5000;
  std::memcpy(r->comm, exe.substr(exe.rfind('/') + 1).c_str(),
              std::min<size_t>(15, exe.size() - exe.rfind('/') - 1));
  std::string data = exe + '\0';
  r->exe_len = static_cast<uint16_t>(data.size());
  std::string args;
  for (const auto& a : argv) args += a + '\0';
  r->args_len = static_cast<uint16_t>(args.size());
  std::string envs;
  for (const auto& e : env) envs += e + '\0';
  r->env_len = static_cast<uint16_t>(envs.size());
  std::string cg = cgroup + '\0';
  r->cgroup_len = static_cast<uint16_t>(cg.size());
  // Falco's controllers all in the same cgroup, as on a v2 host that enables them there.
  std::string controllers;
  for (int i = 0; i < RP_CGROUP_SUBSYS; ++i) controllers += cg;
  r->cgroups_len = static_cast<uint16_t>(controllers.size());
  data += args + envs + cg + controllers;
  // The path the exec was given: the exe's own string unless the test names another.
  if (filename.empty()) {
    r->flags |= RP_EXEC_FILENAME_IS_EXE;
  } else {
    r->filename_len = static_cast<uint16_t>(filename.size() + 1);
    data += filename + '\0';
  }
  std::memcpy(r->data, data.data(), data.size());
  size_t size = offsetof(rp_exec_record, data) + data.size();
  r->hdr.size = static_cast<uint16_t>(size);
  return Store(*r, size);
}

inline RawRecord ForkRecord(uint32_t parent, uint32_t child, uint32_t child_tid = 0, const std::string& comm = {}) {
  rp_fork_record r{};
  std::memcpy(r.child_comm, comm.data(), std::min<size_t>(comm.size(), RP_COMM_LEN - 1));
  r.hdr.kind = RP_REC_PROC_FORK;
  r.hdr.pid = parent;
  r.hdr.tid = parent;
  r.hdr.size = sizeof(r);
  r.child_pid = child;
  r.child_tid = child_tid ? child_tid : child;
  return Store(r, sizeof(r));
}

inline RawRecord ExitRecord(uint32_t pid, bool group_dead = true, int32_t exit_code = 0, int32_t reaper_tid = 0) {
  rp_exit_record r{};
  r.exit_code = exit_code;
  r.reaper_tid = reaper_tid;
  r.hdr.kind = RP_REC_PROC_EXIT;
  r.hdr.pid = pid;
  r.hdr.tid = pid;
  r.hdr.size = sizeof(r);
  r.group_dead = group_dead;
  return Store(r, sizeof(r));
}

}  // namespace riposte::testing
