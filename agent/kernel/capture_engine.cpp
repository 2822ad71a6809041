#include "kernel/capture_engine.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <set>

#include "capture.skel.h"
#include "common/host_view.h"
#include "kernel/syscall_table.h"

namespace riposte {
namespace {

std::string Errno(int err) { return std::strerror(err < 0 ? -err : err); }

// Replaces a hash or trie map's entries: removes the keys written last time, writes the
// new ones and remembers them for next time.
template <typename Key>
Status ReplaceEntries(int fd, std::vector<Key>& written, const std::vector<std::pair<Key, uint64_t>>& entries,
                      const char* what) {
  for (const auto& key : written) bpf_map_delete_elem(fd, &key);
  written.clear();
  for (const auto& [key, value] : entries) {
    if (bpf_map_update_elem(fd, &key, &value, BPF_ANY) != 0)
      return Error{std::string("cannot update the record filter's ") + what + ": " + Errno(errno)};
    written.push_back(key);
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<CaptureEngine>> CaptureEngine::Start(const CaptureOptions& options,
                                                            const KernelFeatures& features,
                                                            RecordHandler handler) {
  std::unique_ptr<CaptureEngine> engine(new CaptureEngine());
  engine->handler_ = std::move(handler);
  engine->skel_ = capture_bpf__open();
  if (!engine->skel_) return Error{"cannot open the capture BPF object: " + Errno(errno)};
  capture_bpf* s = engine->skel_;

  const bool task_storage = features.task_storage && !options.force_hash_stash;
  s->rodata->agent_tgid = static_cast<uint32_t>(getpid());
  s->rodata->use_task_storage = task_storage;
  s->rodata->wakeup_bytes = std::min<uint64_t>(options.ring_buffer_bytes / 8, 256 * 1024);
  s->rodata->cgroup_v1_subsys = features.cgroup_v2 ? -1 : features.cgroup_v1_pids_subsys;
  struct stat pidns {};
  if (stat("/proc/self/ns/pid", &pidns) == 0) s->rodata->host_pidns_ino = static_cast<uint32_t>(pidns.st_ino);
  // The host's mount namespace: pid 1's, or the agent's own when pid 1 cannot be
  // inspected (as responders/protected_executables.h decides).
  s->rodata->host_mntns_ino = static_cast<uint32_t>(HostView::Probe().mntns);
  if (!features.task_storage) {
    bpf_map__set_autocreate(s->maps.stash_task, false);
    bpf_map__set_autocreate(s->maps.name_verdicts, false);
    bpf_map__set_autocreate(s->maps.kept_back_task, false);
  }
  // One pair of syscall hooks: tp_btf reads the registers with plain loads, raw_tracepoint
  // with a helper call each (a third of the per-syscall cost on an open/read/close loop).
  const bool typed_hooks = features.tp_btf && !options.force_raw_tracepoint;
  bpf_program__set_autoload(s->progs.rp_sys_enter_btf, typed_hooks);
  bpf_program__set_autoload(s->progs.rp_sys_exit_btf, typed_hooks);
  bpf_program__set_autoload(s->progs.rp_sys_enter, !typed_hooks);
  bpf_program__set_autoload(s->progs.rp_sys_exit, !typed_hooks);
  uint32_t ring = options.ring_buffer_bytes;
  if (ring < 4096 || (ring & (ring - 1)) != 0)
    return Error{"ring buffer size " + std::to_string(ring) + " is not a power of two >= 4096"};
  if (int err = bpf_map__set_max_entries(s->maps.events, ring))
    return Error{"cannot size the ring buffer: " + Errno(err)};

  if (int err = capture_bpf__load(s))
    return Error{"the kernel refused riposte's capture programs: " + Errno(err) +
                 " (run with --log-level debug to see the verifier's log)"};
  if (auto st = engine->SetSyscalls(options.syscalls); !st) return st.error();
  if (int err = capture_bpf__attach(s))
    return Error{"cannot attach the capture programs: " + Errno(err)};

  engine->ring_ = ring_buffer__new(bpf_map__fd(s->maps.events), &CaptureEngine::OnRecord,
                                   engine.get(), nullptr);
  if (!engine->ring_) return Error{"cannot open the ring buffer: " + Errno(errno)};
  return engine;
}

CaptureEngine::~CaptureEngine() {
  if (ring_) ring_buffer__free(ring_);
  if (skel_) capture_bpf__destroy(skel_);
}

int CaptureEngine::OnRecord(void* ctx, void* data, size_t size) {
  auto* self = static_cast<CaptureEngine*>(ctx);
  self->handler_(std::span<const uint8_t>(static_cast<const uint8_t*>(data), size));
  return 0;
}

Status CaptureEngine::SetSyscalls(std::span<const std::string> requested) {
  std::vector<rp_syscall_spec> table(RP_MAX_SYSCALLS);
  std::set<std::string> unique;
  std::string unknown;
  std::vector<std::string> names(requested.begin(), requested.end());
  names.insert(names.end(), kill_syscalls_.begin(), kill_syscalls_.end());
  for (const auto& name : names) {
    const SyscallInfo* info = FindSyscall(name);
    if (!info) {
      unknown += (unknown.empty() ? "" : ", ") + name;
      continue;
    }
    table[info->nr] = info->spec;
    table[info->nr].flags |= RP_SPEC_ENABLED;
    if (kill_syscalls_.count(name)) table[info->nr].flags |= RP_SPEC_KILL;
    if (filter_) {
      if (filter_->open_filtered_nrs.count(info->nr)) table[info->nr].flags |= RP_SPEC_OPEN_FILTER;
      if (filter_->close_untracked && info->nr == SYS_close) table[info->nr].flags |= RP_SPEC_CLOSE_UNTRACKED;
      if (filter_->close_untracked && SyscallMakesFd(info->nr)) table[info->nr].flags |= RP_SPEC_MAKES_FD;
    }
    unique.insert(std::string(info->name));
  }
  if (!unknown.empty())
    return Error{"unknown syscall name(s): " + unknown + " (see `riposte syscalls`)"};
  int fd = bpf_map__fd(skel_->maps.syscall_specs);
  for (uint32_t nr = 0; nr < RP_MAX_SYSCALLS; ++nr) {
    if (bpf_map_update_elem(fd, &nr, &table[nr], BPF_ANY) != 0)
      return Error{"cannot update the syscall spec map: " + Errno(errno)};
  }
  enabled_.assign(unique.begin(), unique.end());
  requested_.assign(requested.begin(), requested.end());
  return Status::Ok();
}

Status CaptureEngine::SetKillRules(std::span<const KernelKillRule> rules, std::span<const FileIdentity> protected_binaries) {
  if (rules.size() > RP_MAX_KILL_SELECTORS)
    return Error{"too many in-kernel kill selectors: " + std::to_string(rules.size()) + " (at most " +
                 std::to_string(RP_MAX_KILL_SELECTORS) + ")"};
  std::vector<rp_kill_selector> selectors(RP_MAX_KILL_SELECTORS);
  std::set<std::string> syscalls;
  for (size_t i = 0; i < rules.size(); ++i) {
    auto encoded = EncodeKillSelector(rules[i]);
    if (!encoded) return encoded.error();
    selectors[i] = *encoded;
    for (const auto& name : rules[i].syscalls) syscalls.insert(std::string(FindSyscall(name)->name));
  }
  if (protected_binaries.size() > RP_MAX_KILL_PROTECTED)
    return Error{"too many protected executables for the kernel's check: " + std::to_string(protected_binaries.size()) +
                 " (at most " + std::to_string(RP_MAX_KILL_PROTECTED) + ")"};
  std::vector<rp_kill_protected> prot(RP_MAX_KILL_PROTECTED);
  for (size_t n = 0; n < protected_binaries.size(); ++n) prot[n] = EncodeKillProtected(protected_binaries[n]);
  int sel_fd = bpf_map__fd(skel_->maps.kill_selectors);
  int prot_fd = bpf_map__fd(skel_->maps.kill_protected);
  // Protections first, so no moment has new selectors without them.
  for (uint32_t i = 0; i < RP_MAX_KILL_PROTECTED; ++i)
    if (bpf_map_update_elem(prot_fd, &i, &prot[i], BPF_ANY) != 0)
      return Error{"cannot update the kill protection map: " + Errno(errno)};
  for (uint32_t i = 0; i < RP_MAX_KILL_SELECTORS; ++i)
    if (bpf_map_update_elem(sel_fd, &i, &selectors[i], BPF_ANY) != 0)
      return Error{"cannot update the kill selector map: " + Errno(errno)};
  kill_syscalls_ = std::move(syscalls);
  return SetSyscalls(std::vector<std::string>(requested_));
}

Status CaptureEngine::SetRecordFilter(const RecordFilterPlan& plan) {
  auto encoded = EncodeRecordFilter(plan);
  // Lift the old filter first: every record is sent while the tables change.
  if (filter_) {
    filter_.reset();
    if (auto st = SetSyscalls(std::vector<std::string>(requested_)); !st) return st;
  }
  if (!encoded) return encoded.error();
  if (plan.empty()) return Status::Ok();

  int classes_fd = bpf_map__fd(skel_->maps.open_classes);
  for (uint32_t i = 0; i < encoded->classes.size(); ++i)
    if (bpf_map_update_elem(classes_fd, &i, &encoded->classes[i], BPF_ANY) != 0)
      return Error{"cannot update the record filter's class table: " + Errno(errno)};
  if (auto st = ReplaceEntries(bpf_map__fd(skel_->maps.open_paths), filter_paths_, encoded->paths, "path trie"); !st)
    return st;
  if (auto st = ReplaceEntries(bpf_map__fd(skel_->maps.open_names), filter_names_, encoded->names, "name table"); !st)
    return st;
  int masks_fd = bpf_map__fd(skel_->maps.filter_masks);
  uint32_t zero = 0;
  encoded->masks.generation = ++filter_generation_;
  if (bpf_map_update_elem(masks_fd, &zero, &encoded->masks, BPF_ANY) != 0)
    return Error{"cannot update the record filter's masks: " + Errno(errno)};
  // Kept-back fds noted under an earlier filter may since have been closed and reused
  // unseen (no fd was struck while no filter was in force): start from none. (With task
  // storage the kernel's sets name their filter's generation and those are as good as none.)
  int kept_fd = bpf_map__fd(skel_->maps.kept_back_fds);
  uint64_t key = 0, next = 0;
  while (bpf_map_get_next_key(kept_fd, nullptr, &next) == 0) {
    key = next;
    if (bpf_map_delete_elem(kept_fd, &key) != 0) break;
  }
  filter_ = ActiveFilter{encoded->open_filtered_nrs, plan.close_untracked};
  return SetSyscalls(std::vector<std::string>(requested_));
}

void CaptureEngine::SeedProcessName(uint32_t pid, std::string_view comm) {
  rp_comm value{};
  std::memcpy(value.comm, comm.data(), std::min<size_t>(comm.size(), RP_COMM_LEN - 1));
  // NOEXIST: an exec the kernel saw since /proc was read has the newer name.
  bpf_map_update_elem(bpf_map__fd(skel_->maps.exec_comms), &pid, &value, BPF_NOEXIST);
}

Result<int> CaptureEngine::Poll(int timeout_ms) {
  // The kernel wakes us only past a fill threshold (or for an exec), so after the wait
  // the ring is drained whether or not a wakeup came.
  int n = ring_buffer__poll(ring_, timeout_ms);
  if (n < 0 && n != -EINTR) return Error{"ring buffer poll failed: " + Errno(n)};
  int m = ring_buffer__consume(ring_);
  if (m < 0) return Error{"ring buffer consume failed: " + Errno(m)};
  return std::max(n, 0) + m;
}

int CaptureEngine::ring_buffer_fd() const { return ring_buffer__epoll_fd(ring_); }

KernelCounters CaptureEngine::ReadCounters() const {
  KernelCounters out;
  int ncpu = libbpf_num_possible_cpus();
  if (ncpu <= 0) return out;
  std::vector<uint64_t> values(static_cast<size_t>(ncpu));
  int fd = bpf_map__fd(skel_->maps.stats);
  auto read = [&](uint32_t key) -> std::vector<uint64_t> {
    std::fill(values.begin(), values.end(), 0);
    bpf_map_lookup_elem(fd, &key, values.data());
    return values;
  };
  auto sum = [](const std::vector<uint64_t>& v) {
    uint64_t s = 0;
    for (uint64_t x : v) s += x;
    return s;
  };
  out.sent_per_cpu = read(RP_STAT_SENT);
  out.sent = sum(out.sent_per_cpu);
  out.kernel_kills = sum(read(RP_STAT_KERNEL_KILL));
  out.dropped_per_cpu = read(RP_STAT_DROP_RINGBUF);
  out.dropped_ring_full = sum(out.dropped_per_cpu);
  out.stash_failures = sum(read(RP_STAT_DROP_STASH));
  out.filtered = sum(read(RP_STAT_FILTERED));
  std::vector<rp_syscall_stat> per_cpu(static_cast<size_t>(ncpu));
  int per_fd = bpf_map__fd(skel_->maps.syscall_stats);
  for (const auto& name : enabled_) {
    const SyscallInfo* info = FindSyscall(name);
    if (!info) continue;
    uint32_t nr = static_cast<uint32_t>(info->nr);
    if (bpf_map_lookup_elem(per_fd, &nr, per_cpu.data()) != 0) continue;
    KernelCounters::PerSyscall total;
    for (const auto& c : per_cpu) {
      total.sent += c.sent;
      total.filtered += c.filtered;
    }
    out.per_syscall[name] = total;
  }
  return out;
}

}  // namespace riposte
