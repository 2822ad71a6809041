#include "kernel/record_filter.h"

#include <fcntl.h>
#include <sys/syscall.h>

#include <algorithm>
#include <cstring>

#include "kernel/syscall_table.h"

namespace riposte {
namespace {

rp_path_key PathKey(std::string_view bytes) {
  rp_path_key key{};
  size_t n = std::min<size_t>(bytes.size(), RP_PATH_KEY_BYTES);
  std::memcpy(key.data, bytes.data(), n);
  key.prefixlen = static_cast<uint32_t>(n * 8);
  return key;
}

// The entry as the trie holds it: cut to the trie's key size (an exact path cut so
// becomes a prefix, which only sends more).
std::string TrieEntry(const std::string& path) {
  return path.size() > RP_PATH_KEY_BYTES ? path.substr(0, RP_PATH_KEY_BYTES) : path;
}

}  // namespace

uint32_t OpenClassOf(uint64_t flags, uint64_t mode, int64_t ret) {
  uint32_t cls = static_cast<uint32_t>(flags & O_ACCMODE);
  if (flags & O_CREAT) cls |= RP_OPEN_CLASS_CREAT;
  if (flags & O_TRUNC) cls |= RP_OPEN_CLASS_TRUNC;
  if (flags & O_APPEND) cls |= RP_OPEN_CLASS_APPEND;
  if (flags & O_DIRECTORY) cls |= RP_OPEN_CLASS_DIRECTORY;
  if (flags & 020000000 /* __O_TMPFILE */) cls |= RP_OPEN_CLASS_TMPFILE;
  // Creating (O_CREAT, or any bit of O_TMPFILE: O_DIRECTORY's too) with an execute bit.
  if ((flags & (O_CREAT | O_DIRECTORY | 020000000)) && (mode & 0111)) cls |= RP_OPEN_CLASS_EXEC_MODE;
  if (ret < 0) cls |= RP_OPEN_CLASS_FAILED;
  return cls;
}

bool IsCleanPath(std::string_view path) {
  if (path.empty() || path[0] != '/') return false;
  char prev2 = 0, prev1 = 0;
  for (size_t i = 0; i <= path.size(); ++i) {
    char c = i < path.size() ? path[i] : '\0';
    if (i < path.size() && c == '\0') return false;  // an embedded NUL: the kernel's path ends there
    if (prev1 == '/' && c == '/') return false;
    if (prev1 == '.' && c == '.') return false;
    if (prev2 == '/' && prev1 == '.' && (c == '/' || c == '\0')) return false;
    prev2 = prev1;
    prev1 = c;
  }
  return !(path.size() > 1 && path.back() == '/');
}

int OpenSlotOf(int nr) {
  switch (nr) {
    case SYS_open: return 0;
    case SYS_openat: return 1;
    case SYS_openat2: return 2;
    case SYS_creat: return 3;
  }
  return -1;
}

bool SyscallMakesFd(int nr) {
  switch (nr) {
    case SYS_open: case SYS_openat: case SYS_openat2: case SYS_creat: case SYS_memfd_create:
    case SYS_dup: case SYS_dup2: case SYS_dup3: case SYS_fcntl:
    case SYS_pipe: case SYS_pipe2: case SYS_socketpair: case SYS_socket:
    case SYS_accept: case SYS_accept4: case SYS_connect: case SYS_bind: case SYS_listen:
      return true;
  }
  return false;
}

Result<EncodedRecordFilter> EncodeRecordFilter(const RecordFilterPlan& plan) {
  EncodedRecordFilter out;
  out.classes.assign(RP_OPEN_SLOTS * RP_OPEN_CLASSES, rp_open_class{});
  // One bit per distinct (paths, names) clause, shared by every syscall and class using it.
  using Key = std::pair<std::optional<std::set<std::string>>, std::optional<std::set<std::string>>>;
  std::map<Key, size_t> ids;
  for (const auto& [name, filter] : plan.open) {
    const SyscallInfo* info = FindSyscall(name);
    int slot = info ? OpenSlotOf(info->nr) : -1;
    if (slot < 0) return Error{"the kernel record filter has no open filter for syscall '" + name + "'"};
    out.open_filtered_nrs.insert(info->nr);
    rp_open_class* row = &out.classes[static_cast<size_t>(slot) * RP_OPEN_CLASSES];
    for (size_t c = 0; c < RP_OPEN_CLASSES; ++c)
      if (filter.any_path.test(c)) row[c].any_path = 1;
    for (const auto& clause : filter.clauses) {
      // An empty path set stays: the clause matches no clean path, but a path that is not
      // clean is sent for it. An empty name set matches no process at all.
      if (clause.classes.none() || (clause.names && clause.names->empty())) continue;
      if (!clause.paths && !clause.names) {
        for (size_t c = 0; c < RP_OPEN_CLASSES; ++c)
          if (clause.classes.test(c)) row[c].any_path = 1;
        continue;
      }
      auto [it, added] = ids.emplace(Key{clause.paths, clause.names}, ids.size());
      if (it->second >= RP_MAX_FILTER_CLAUSES)
        return Error{"the loaded rules need more than " + std::to_string(RP_MAX_FILTER_CLAUSES) +
                     " distinct clauses in the kernel record filter"};
      for (size_t c = 0; c < RP_OPEN_CLASSES; ++c)
        if (clause.classes.test(c)) row[c].clauses |= uint64_t{1} << it->second;
    }
  }
  // Each trie entry carries its own clauses and those of every entry that is a prefix of
  // it: the kernel reads only the longest match.
  std::map<std::string, uint64_t> entries;
  std::map<std::string, uint64_t> names;
  for (const auto& [key, id] : ids) {
    const uint64_t bit = uint64_t{1} << id;
    if (key.first) for (const auto& p : *key.first) entries[TrieEntry(p)] |= bit;
    else out.masks.any_path |= bit;
    if (key.second) for (const auto& n : *key.second) names[n] |= bit;
    else out.masks.any_name |= bit;
  }
  if (entries.size() > RP_MAX_OPEN_PATHS)
    return Error{"the loaded rules need " + std::to_string(entries.size()) + " paths in the kernel record filter (at most " +
                 std::to_string(RP_MAX_OPEN_PATHS) + ")"};
  if (names.size() > RP_MAX_OPEN_NAMES)
    return Error{"the loaded rules need " + std::to_string(names.size()) +
                 " process names in the kernel record filter (at most " + std::to_string(RP_MAX_OPEN_NAMES) + ")"};
  for (const auto& [entry, bits] : entries) {
    uint64_t all = bits;
    for (size_t len = 1; len < entry.size(); ++len) {
      auto it = entries.find(entry.substr(0, len));
      if (it != entries.end()) all |= it->second;
    }
    out.paths.emplace_back(PathKey(entry), all);
  }
  for (const auto& [n, bits] : names) {
    if (n.empty() || n.size() >= RP_COMM_LEN) continue;  // no comm is so: no process matches
    rp_comm key{};
    std::memcpy(key.comm, n.data(), n.size());
    out.names.emplace_back(key, bits);
  }
  return out;
}

Result<RecordFilterModel> RecordFilterModel::Create(const RecordFilterPlan& plan) {
  auto encoded = EncodeRecordFilter(plan);
  if (!encoded) return encoded.error();
  RecordFilterModel m;
  m.encoded_ = std::move(*encoded);
  m.close_untracked_ = plan.close_untracked;
  return m;
}

uint64_t RecordFilterModel::PathClauses(std::string_view path) const {
  // The longest entry that is a prefix of the path (NUL included), as the trie answers.
  std::string key(path.substr(0, RP_PATH_KEY_BYTES));
  if (key.size() < RP_PATH_KEY_BYTES) key.push_back('\0');
  const std::pair<rp_path_key, uint64_t>* best = nullptr;
  for (const auto& entry : encoded_.paths) {
    size_t n = entry.first.prefixlen / 8;
    if (n > key.size() || std::memcmp(entry.first.data, key.data(), n) != 0) continue;
    if (!best || n > best->first.prefixlen / 8) best = &entry;
  }
  return best ? best->second : 0;
}

bool RecordFilterModel::OpenNeeded(const rp_syscall_record& rec) const {
  // The kernel's order (bpf/capture.bpf.c, open_record_decision): what it sends is the same
  // whatever the order, but what it leaves out is decided the first moment it can be.
  const int slot = OpenSlotOf(rec.nr);
  if (slot < 0) return true;
  if (rec.flags & (RP_SYSCALL_NO_ENTER | RP_TRUNC_PARAM0 | RP_SYSCALL_RET_DIR)) return true;
  if (rec.ret >= 0 && rec.ret <= 2) return true;
  const uint32_t len = rec.param_len[0];
  if (len < 2 || len > RP_PATH_MAX) return true;
  uint64_t flags = 0, mode = 0;
  switch (slot) {
    case 0: flags = rec.args[1]; mode = rec.args[2]; break;
    case 1: flags = rec.args[2]; mode = rec.args[3]; break;
    case 2: {
      if (rec.param_len[1] < 16) return true;
      uint64_t how[2];
      std::memcpy(how, rec.data + len, sizeof(how));
      flags = how[0];
      mode = how[1];
      break;
    }
    default: flags = O_CREAT | O_WRONLY | O_TRUNC; mode = rec.args[1];
  }
  if (flags & O_PATH) return true;
  const rp_open_class& oc =
      encoded_.classes[static_cast<size_t>(slot) * RP_OPEN_CLASSES + OpenClassOf(flags, mode, rec.ret)];
  if (oc.any_path) return true;
  uint64_t sets = oc.clauses;
  if (!sets) return false;
  auto comm = exec_comms_.find(rec.hdr.pid);
  if (comm != exec_comms_.end()) {
    uint64_t names = encoded_.masks.any_name;
    for (const auto& [key, bits] : encoded_.names)
      if (comm->second == std::string_view(key.comm, strnlen(key.comm, RP_COMM_LEN))) names |= bits;
    sets &= names;
    if (!sets) return false;
  }
  if (sets & encoded_.masks.any_path) return true;
  const char* data = reinterpret_cast<const char*>(rec.data);
  if (data[len - 1] != '\0') return true;
  std::string_view path(data, len - 1);
  if (path.find('\0') != std::string_view::npos || !IsCleanPath(path)) return true;
  return (sets & PathClauses(path)) != 0;
}

bool RecordFilterModel::Sends(std::span<const uint8_t> record) {
  if (record.size() < sizeof(rp_record_header)) return true;
  rp_record_header hdr;
  std::memcpy(&hdr, record.data(), sizeof(hdr));
  if (hdr.kind == RP_REC_PROC_EXEC) {
    rp_exec_record exec{};
    std::memcpy(&exec, record.data(), std::min(record.size(), sizeof(exec)));
    exec_comms_[hdr.pid] = std::string(exec.comm, strnlen(exec.comm, RP_COMM_LEN));
    return true;
  }
  if (hdr.kind == RP_REC_PROC_FORK) {
    rp_fork_record fork{};
    std::memcpy(&fork, record.data(), std::min(record.size(), sizeof(fork)));
    if (fork.child_pid != hdr.pid) {
      kept_back_fds_.erase(fork.child_pid);
      // Named by the comm the kernel gave it; a record without one (none the kernel sends)
      // leaves it unnamed, matching every name.
      const size_t n = strnlen(fork.child_comm, RP_COMM_LEN);
      if (n > 0) exec_comms_[fork.child_pid] = std::string(fork.child_comm, n);
      else exec_comms_.erase(fork.child_pid);
    }
    return true;
  }
  if (hdr.kind == RP_REC_PROC_EXIT) {
    rp_exit_record exit{};
    std::memcpy(&exit, record.data(), std::min(record.size(), sizeof(exit)));
    if (exit.group_dead) {
      kept_back_fds_.erase(hdr.pid);
      exec_comms_.erase(hdr.pid);
    }
    return true;
  }
  if (hdr.kind != RP_REC_SYSCALL) return true;
  rp_syscall_record rec{};
  std::memcpy(&rec, record.data(), std::min(record.size(), sizeof(rec)));
  const bool filtered = encoded_.open_filtered_nrs.count(rec.nr) > 0;
  const bool makes_fd = close_untracked_ && SyscallMakesFd(rec.nr);
  auto& kept = kept_back_fds_[hdr.pid];
  auto in_range = [](int64_t fd) { return fd >= 0 && fd < RP_KEPT_BACK_FD_WORDS * 64; };
  if (!rec.killed_by) {
    bool keep_back = false;
    if (filtered) {
      keep_back = !OpenNeeded(rec);
      if (keep_back && makes_fd && in_range(rec.ret)) kept.insert(rec.ret);
    } else if (close_untracked_ && rec.nr == SYS_close) {
      keep_back = kept.erase(static_cast<int32_t>(rec.args[0])) > 0;
    }
    if (keep_back) {
      ++kept_back_;
      return false;
    }
  }
  if (makes_fd) {
    kept.erase(rec.ret);
    const SyscallInfo* info = FindSyscall(rec.nr);
    if (info && (info->spec.flags & RP_SPEC_TUPLE_ARG0)) kept.erase(static_cast<int32_t>(rec.args[0]));
    if (info && info->spec.param[0].source == RP_PARAM_OUT_BLOB && rec.param_len[0] >= 8) {
      int32_t pair[2];
      std::memcpy(pair, rec.data, sizeof(pair));
      kept.erase(pair[0]);
      kept.erase(pair[1]);
    }
  }
  return true;
}

}  // namespace riposte
