#include "decode/record_decoder.h"

#include <cstddef>
#include <cstring>
#include <string>

#include "kernel/syscall_table.h"

namespace riposte {
namespace {

Error Malformed(const std::string& what) { return Error{"malformed record: " + what}; }

// A NUL-terminated string stored with its NUL counted in `len`: the view excludes it.
std::string_view StringView(const uint8_t* p, size_t len) {
  if (len == 0) return {};
  auto s = std::string_view(reinterpret_cast<const char*>(p), len);
  if (s.back() == '\0') s.remove_suffix(1);
  return s;
}

void ResetEvent(Event& e) {
  e.syscall = nullptr;
  e.exec = nullptr;
  e.params = {};
  e.exe = e.argv = e.env = e.cgroup = e.controller_cgroups = e.exec_filename = {};
  e.flags = 0;
  e.tuple = {};
  e.file = {};
  e.kernel_kill = 0;
  e.process = nullptr;
  e.fd = nullptr;
  e.fd_num = -1;
  e.fd_name_changed = false;
  e.prev_uid = -1;
  e.resolved_path[0].clear();
  e.resolved_path[1].clear();
}

Status DecodeSyscall(std::span<const uint8_t> rec, Event& out) {
  constexpr size_t kFixed = offsetof(rp_syscall_record, data);
  if (rec.size() < kFixed) return Malformed("syscall record shorter than its header");
  rp_syscall_record r;
  std::memcpy(&r, rec.data(), kFixed);
  out.kind = EventKind::kSyscall;
  out.syscall = FindSyscall(r.nr);
  if (!out.syscall) return Malformed("unknown syscall number " + std::to_string(r.nr));
  out.ret = r.ret;
  std::copy(std::begin(r.args), std::end(r.args), out.args.begin());
  out.uid = r.uid;
  out.gid = r.gid;
  out.flags = r.flags;
  out.kernel_kill = r.killed_by;
  size_t len0 = r.param_len[0], len1 = r.param_len[1];
  if (len0 > RP_PATH_MAX || len1 > RP_PATH_MAX || kFixed + len0 + len1 > rec.size())
    return Malformed("syscall params run past the record");
  const uint8_t* data = rec.data() + kFixed;
  const size_t lens[2] = {len0, len1};
  const uint8_t* starts[2] = {data, data + len0};
  for (int i = 0; i < 2; ++i) {
    ParamKind kind = out.syscall->params[i].kind;
    if (kind == ParamKind::kPath || kind == ParamKind::kString)
      out.params[i] = StringView(starts[i], lens[i]);
    else
      out.params[i] = std::string_view(reinterpret_cast<const char*>(starts[i]), lens[i]);
  }
  if (r.flags & RP_SYSCALL_HAS_TUPLE) {
    const rp_sock_tuple& t = r.tuple;
    out.tuple.family = t.family;
    out.tuple.type = t.type;
    out.tuple.protocol = t.protocol;
    out.tuple.local_port = t.local_port;
    out.tuple.remote_port = t.remote_port;
    std::memcpy(out.tuple.local_addr.data(), t.local_addr, 16);
    std::memcpy(out.tuple.remote_addr.data(), t.remote_addr, 16);
  } else if (r.flags & RP_SYSCALL_HAS_FILE) {
    out.file = r.file;
  }
  return Status::Ok();
}

Status DecodeExec(std::span<const uint8_t> rec, Event& out) {
  constexpr size_t kFixed = offsetof(rp_exec_record, data);
  if (rec.size() < kFixed) return Malformed("exec record shorter than its header");
  // The record may be unaligned in a capture file; exec records are rare, so the view
  // is of the record in place only after an alignment check.
  if (reinterpret_cast<uintptr_t>(rec.data()) % alignof(rp_exec_record) != 0)
    return Malformed("exec record not aligned");
  const auto* r = reinterpret_cast<const rp_exec_record*>(rec.data());
  size_t lens[6] = {r->exe_len, r->args_len, r->env_len, r->cgroup_len, r->cgroups_len, r->filename_len};
  size_t caps[6] = {RP_PATH_MAX, RP_ARGS_MAX, RP_ENV_MAX, RP_CGROUP_MAX, RP_CGROUP_SUBSYS * RP_CGROUP_MAX, RP_PATH_MAX};
  size_t total = 0;
  for (int i = 0; i < 6; ++i) {
    if (lens[i] > caps[i]) return Malformed("exec field longer than its bound");
    total += lens[i];
  }
  if (kFixed + total > rec.size()) return Malformed("exec fields run past the record");
  out.kind = EventKind::kProcessExec;
  out.exec = r;
  const uint8_t* p = rec.data() + kFixed;
  out.exe = StringView(p, lens[0]);
  p += lens[0];
  out.argv = std::string_view(reinterpret_cast<const char*>(p), lens[1]);
  p += lens[1];
  out.env = std::string_view(reinterpret_cast<const char*>(p), lens[2]);
  p += lens[2];
  out.cgroup = StringView(p, lens[3]);
  p += lens[3];
  out.controller_cgroups = std::string_view(reinterpret_cast<const char*>(p), lens[4]);
  p += lens[4];
  out.exec_filename = (r->flags & RP_EXEC_FILENAME_IS_EXE) ? out.exe : StringView(p, lens[5]);
  return Status::Ok();
}

}  // namespace

Status DecodeRecord(std::span<const uint8_t> record, Event& out) {
  if (record.size() < sizeof(rp_record_header)) return Malformed("shorter than a header");
  rp_record_header h;
  std::memcpy(&h, record.data(), sizeof(h));
  if (h.size > record.size() || h.size < sizeof(rp_record_header))
    return Malformed("header size " + std::to_string(h.size) + " does not match " +
                     std::to_string(record.size()) + " bytes");
  record = record.first(h.size);
  ResetEvent(out);
  out.record = record;
  out.ts_boot_ns = h.ts_boot_ns;
  out.pid = h.pid;
  out.tid = h.tid;
  out.cpu = h.cpu;
  switch (h.kind) {
    case RP_REC_SYSCALL:
      return DecodeSyscall(record, out);
    case RP_REC_PROC_EXEC:
      return DecodeExec(record, out);
    case RP_REC_PROC_FORK: {
      if (record.size() < sizeof(rp_fork_record)) return Malformed("fork record too short");
      rp_fork_record r;
      std::memcpy(&r, record.data(), sizeof(r));
      out.kind = EventKind::kProcessFork;
      out.child_pid = r.child_pid;
      out.child_tid = r.child_tid;
      out.child_vpid = r.child_vpid;
      out.child_start_boottime_ns = r.child_start_boottime_ns;
      out.child_pidns_init_start_ns = r.child_pidns_init_start_ns;
      out.parent_figures = r.parent_figures;
      {
        const char* comm = reinterpret_cast<const char*>(record.data()) + offsetof(rp_fork_record, child_comm);
        out.child_comm = std::string_view(comm, strnlen(comm, RP_COMM_LEN));
      }
      return Status::Ok();
    }
    case RP_REC_PROC_EXIT: {
      if (record.size() < sizeof(rp_exit_record)) return Malformed("exit record too short");
      rp_exit_record r;
      std::memcpy(&r, record.data(), sizeof(r));
      out.kind = EventKind::kProcessExit;
      out.exit_code = r.exit_code;
      out.group_dead = r.group_dead != 0;
      out.reaper_tid = r.reaper_tid;
      return Status::Ok();
    }
    default:
      return Malformed("unknown record kind " + std::to_string(h.kind));
  }
}

}  // namespace riposte
