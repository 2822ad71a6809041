#include "evidence/flight_recorder.h"

#include <time.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include "audit/sha256.h"
#include "common/json_text.h"
#include "common/safe_file.h"
#include "output/capture_file.h"
#include "output/container_snapshot.h"
#include "output/process_snapshot.h"

namespace riposte {
namespace {

// What the ring keeps in front of each record.
struct EntryHeader {
  int64_t ts_boot_ns;
  uint64_t container_tag;
  uint32_t tgid;
  uint32_t child_pid;  // a fork's new process (0 otherwise): a process tree grows by it
  uint32_t length;
  uint32_t pad;
};
static_assert(sizeof(EntryHeader) % 16 == 0);

constexpr size_t Aligned(size_t n) { return (n + 7) & ~size_t{7}; }

// The ring's entries start on 16 bytes, so that they can be streamed 16 bytes at a time.
constexpr size_t EntryAligned(size_t n) { return (n + 15) & ~size_t{15}; }

// Copies `n` bytes to a 16-byte aligned `dst` (rounded up to 16, the excess zeros) without
// passing them through the cache: the ring is written once and read rarely (only when a
// capture is cut), and tens of MiB streamed through a shared L3 would evict the workload's
// own data. Measured (riposte_bench_state): plain copies cost 47 ns an event, these 32.
void StreamCopy(uint8_t* dst, const uint8_t* src, size_t n) {
#if defined(__x86_64__)
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm_stream_si128(reinterpret_cast<__m128i*>(dst + i), _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
  if (i < n) {
    alignas(16) uint8_t tail[16] = {};
    std::memcpy(tail, src + i, n - i);
    _mm_stream_si128(reinterpret_cast<__m128i*>(dst + i), _mm_load_si128(reinterpret_cast<const __m128i*>(tail)));
  }
#else
  std::memcpy(dst, src, n);
#endif
}

int64_t BootNowNs() {
  timespec ts{};
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

bool IsHostId(std::string_view id) { return id.empty() || id == "host"; }

// The tags of every container the process table knows in pod `pod_uid`.
void AddPodTags(const ProcessTable& processes, const std::string& pod_uid, std::unordered_set<uint64_t>& tags) {
  for (const auto& [pid, p] : processes.entries()) {
    if (!p.container) continue;
    const ContainerInfo* info = p.container->info();
    if (info && info->pod_uid == pod_uid) tags.insert(ContainerTag(p.container_id));
  }
}

}  // namespace

struct FlightRecorder::Block {
  // Left uninitialised: zeroing a block the records will overwrite would cost a pass over
  // it at every new block (only the bytes up to `used` are ever read).
  // 64-byte aligned: the entries are streamed in with 16-byte aligned stores.
  explicit Block(size_t size) : bytes(static_cast<uint8_t*>(std::aligned_alloc(64, EntryAligned(size)))) {
    if (!bytes) throw std::bad_alloc();
  }
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> bytes;
  size_t used = 0;
  uint64_t records = 0;
  int64_t newest_ns = 0;
  template <typename F>
  void ForEach(F f) const {
    for (size_t at = 0; at < used;) {
      EntryHeader h;
      std::memcpy(&h, bytes.get() + at, sizeof(h));
      f(h, std::span<const uint8_t>(bytes.get() + at + sizeof(h), h.length));
      at += sizeof(h) + EntryAligned(h.length);
    }
  }
};

// One capture being taken: its scope, the records kept so far (as capture frames'
// payloads, each behind its length), and when it ends.
struct FlightRecorder::Capture {
  CaptureSpec spec;
  nlohmann::json header;
  std::vector<std::string> containers;  // descriptions of the containers in scope
  std::vector<std::string> snapshots;
  std::vector<uint8_t> records;  // {u32 length, payload, padding to 8}...
  uint64_t events = 0;
  int64_t first_ns = 0, last_ns = 0;
  int64_t ends_boot_ns = 0;
  bool truncated = false;
  std::string cut_short;  // why it closed before its time ("" when it did not)
  uint64_t tag = 0;       // container scope
  std::unordered_set<uint64_t> pod_tags;     // pod scope: its containers' tags
  std::unordered_set<uint32_t> tree;         // process-tree scope: every process kept
  std::unordered_set<uint32_t> descendants;  // those whose forks join the tree

  bool Keeps(const EntryHeader& h) {
    switch (spec.scope) {
      case CaptureScope::kHost: return true;
      case CaptureScope::kContainer: return h.container_tag == tag;
      case CaptureScope::kPod: return pod_tags.count(h.container_tag) > 0;
      case CaptureScope::kProcessTree:
        if (!tree.count(h.tgid)) return false;
        if (h.child_pid && descendants.count(h.tgid)) {
          descendants.insert(h.child_pid);
          tree.insert(h.child_pid);
        }
        return true;
    }
    return false;
  }
  void Add(const EntryHeader& h, std::span<const uint8_t> record) {
    if (truncated) return;
    if (records.size() + 8 + Aligned(record.size()) > spec.max_bytes) {
      truncated = true;
      return;
    }
    const uint32_t len = static_cast<uint32_t>(record.size());
    const size_t at = records.size();
    records.resize(at + 8 + Aligned(record.size()));
    std::memcpy(records.data() + at, &len, sizeof(len));
    std::memcpy(records.data() + at + 8, record.data(), record.size());
    if (!events) first_ns = h.ts_boot_ns;
    last_ns = h.ts_boot_ns;
    ++events;
  }
};

std::string_view CaptureScopeName(CaptureScope scope) {
  switch (scope) {
    case CaptureScope::kContainer: return "container";
    case CaptureScope::kPod: return "pod";
    case CaptureScope::kProcessTree: return "process_tree";
    case CaptureScope::kHost: return "host";
  }
  return "host";
}

std::optional<CaptureScope> CaptureScopeOf(std::string_view name) {
  for (auto s : {CaptureScope::kContainer, CaptureScope::kPod, CaptureScope::kProcessTree, CaptureScope::kHost})
    if (CaptureScopeName(s) == name) return s;
  return std::nullopt;
}

uint64_t ContainerTag(std::string_view container_id) {
  if (IsHostId(container_id)) return 0;
  return std::hash<std::string_view>{}(container_id) | 1;  // never 0, the host's
}

FlightRecorder::FlightRecorder(RecorderLimits limits, int64_t wall_minus_boot_ns, OnClosed on_closed)
    : limits_(limits), wall_minus_boot_ns_(wall_minus_boot_ns), on_closed_(std::move(on_closed)) {
  writer_ = std::thread([this] { WriterLoop(); });
}

FlightRecorder::~FlightRecorder() { Stop(); }

void FlightRecorder::Record(const Event& event) {
  const std::span<const uint8_t> record = event.record;
  const size_t need = sizeof(EntryHeader) + EntryAligned(record.size());
  if (record.empty() || need > limits_.block_bytes) return;
  // Most records come from the container of the record before: its id is compared, the
  // tag hashed only when it changes (a process that joins a container at exec, as
  // `docker exec` does, changes it on the same process).
  if (!event.process) {
    last_container_id_.clear();
    last_tag_ = 0;
  } else if (event.process->container_id != last_container_id_) {
    last_container_id_ = event.process->container_id;
    last_tag_ = ContainerTag(last_container_id_);
  }
  if (blocks_.empty() || blocks_.back()->used + need > limits_.block_bytes) {
    std::unique_ptr<Block> block;
    if (!spare_.empty()) {
      block = std::move(spare_.back());
      spare_.pop_back();
    } else if (!blocks_.empty() && (blocks_.size() + 1) * uint64_t{limits_.block_bytes} > limits_.max_bytes) {
      block = std::move(blocks_.front());  // the byte bound: the oldest block makes room
      blocks_.pop_front();
    } else {
      block = std::make_unique<Block>(limits_.block_bytes);
    }
    block->used = 0;
    block->records = 0;
    blocks_.push_back(std::move(block));
  }
  Block& b = *blocks_.back();
  EntryHeader h{static_cast<int64_t>(event.ts_boot_ns), last_tag_, event.pid,
                event.kind == EventKind::kProcessFork ? event.child_pid : 0, static_cast<uint32_t>(record.size()), 0};
  StreamCopy(b.bytes.get() + b.used, reinterpret_cast<const uint8_t*>(&h), sizeof(h));
  StreamCopy(b.bytes.get() + b.used + sizeof(h), record.data(), record.size());
  b.used += need;
  ++b.records;
  b.newest_ns = h.ts_boot_ns;
  for (auto& capture : active_)
    if (capture->Keeps(h)) capture->Add(h, record);
}

void FlightRecorder::Evict(int64_t now_boot_ns) {
  const int64_t oldest_kept = now_boot_ns - std::chrono::nanoseconds(limits_.window).count();
  while (blocks_.size() > 1 && blocks_.front()->newest_ns < oldest_kept) {
    spare_.push_back(std::move(blocks_.front()));
    blocks_.pop_front();
  }
  // Spare blocks beyond one are memory given back.
  if (spare_.size() > 1) spare_.resize(1);
}

void FlightRecorder::Service(const ProcessTable& processes, const nlohmann::json& header) {
#if defined(__x86_64__)
  _mm_sfence();  // the streamed stores are ordered before anything below
#endif
  const int64_t now = BootNowNs();
  std::vector<std::unique_ptr<Pending>> requests;
  {
    std::lock_guard lock(mu_);
    requests.swap(requests_);
  }
  for (auto& r : requests) Start(*r, processes, header, now);
  // A container that starts in a captured pod joins its capture.
  for (auto& capture : active_)
    if (capture->spec.scope == CaptureScope::kPod) AddPodTags(processes, capture->spec.pod_uid, capture->pod_tags);
  for (auto it = active_.begin(); it != active_.end();) {
    if (now >= (*it)->ends_boot_ns || (*it)->truncated) {
      Close(std::move(*it));
      it = active_.erase(it);
    } else {
      ++it;
    }
  }
  Evict(now);
  uint64_t held = 0;
  for (const auto& b : blocks_) held += b->records;
  std::lock_guard lock(mu_);
  stats_.bytes_held = (blocks_.size() + spare_.size()) * uint64_t{limits_.block_bytes};
  stats_.records_held = held;
  stats_.captures_active = active_.size();
}

void FlightRecorder::Start(Pending& pending, const ProcessTable& processes, const nlohmann::json& header,
                           int64_t now_boot_ns) {
  if (!pending.spec.dry_run) {
    size_t queued = 0;
    {
      std::lock_guard lock(mu_);
      queued = to_write_.size();
    }
    if (active_.size() + queued >= limits_.max_captures) {
      pending.started.set_value(Error{"too many captures at once (" + std::to_string(limits_.max_captures) +
                                      " running or being written): this one is refused"});
      return;
    }
  }
  auto capture = std::make_unique<Capture>();
  capture->spec = std::move(pending.spec);
  CaptureSpec& spec = capture->spec;
  CaptureStarted started;

  // The scope, from the process table as it is now (the alert's process may be gone).
  const ProcessInfo* target = processes.Find(spec.pid);
  if (target && spec.start_boottime_ns && target->start_boottime_ns != spec.start_boottime_ns) target = nullptr;
  std::string container = target ? target->container_id : spec.container_id;
  if (!target && !IsHostId(container))
    for (const auto& [pid, p] : processes.entries())
      if (!p.container_id.empty() && p.container_id.rfind(container, 0) == 0) {
        container = p.container_id;  // a short id (a Falco alert's) made whole
        break;
      }
  if ((spec.scope == CaptureScope::kContainer || spec.scope == CaptureScope::kPod) && IsHostId(container))
    spec.scope = CaptureScope::kProcessTree;
  if (spec.scope == CaptureScope::kPod && spec.pod_uid.empty()) spec.scope = CaptureScope::kContainer;
  started.container_id = IsHostId(container) ? "host" : container;
  started.scope = spec.scope;
  capture->tag = ContainerTag(container);
  if (spec.scope == CaptureScope::kPod) {
    capture->pod_tags.insert(capture->tag);
    AddPodTags(processes, spec.pod_uid, capture->pod_tags);
  }
  if (spec.scope == CaptureScope::kProcessTree) {
    capture->tree.insert(spec.pid);
    capture->descendants.insert(spec.pid);
    // Its ancestors within its own container (or on the host, up to init).
    for (const ProcessInfo* p = target; p && p->ppid > 1;) {
      const ProcessInfo* parent = processes.Find(p->ppid);
      if (!parent || parent->container_id != target->container_id) break;
      capture->tree.insert(parent->pid);
      p = parent;
    }
    // Its descendants alive now.
    for (const auto& [pid, p] : processes.entries())
      for (int n = 1; n <= 32; ++n) {
        const ProcessInfo* a = processes.Ancestor(p, n);
        if (!a) break;
        if (a->pid == spec.pid) {
          capture->tree.insert(pid);
          capture->descendants.insert(pid);
          break;
        }
      }
  }
  // The processes in scope as they are now, and their containers' descriptions: replay
  // starts from them.
  std::unordered_set<std::string> described;
  for (const auto& [pid, p] : processes.entries()) {
    const bool in_scope = spec.scope == CaptureScope::kHost ||
                          (spec.scope == CaptureScope::kContainer && ContainerTag(p.container_id) == capture->tag) ||
                          (spec.scope == CaptureScope::kPod && capture->pod_tags.count(ContainerTag(p.container_id))) ||
                          (spec.scope == CaptureScope::kProcessTree && capture->tree.count(pid));
    if (!in_scope) continue;
    ++started.processes;
    if (spec.dry_run) continue;
    capture->snapshots.push_back(JsonText(ProcessToSnapshot(p)));
    if (const ContainerInfo* info = p.container ? p.container->info() : nullptr; info && described.insert(info->id).second)
      capture->containers.push_back(JsonText(ContainerToSnapshot(*info)));
  }
  // The ring's records in scope since `before`.
  const int64_t from = now_boot_ns - std::chrono::nanoseconds(spec.before).count();
  for (const auto& block : blocks_) {
    if (block->newest_ns < from) continue;
    block->ForEach([&](const EntryHeader& h, std::span<const uint8_t> record) {
      if (h.ts_boot_ns < from || !capture->Keeps(h)) return;
      capture->Add(h, record);
    });
  }
  started.events_before = capture->events;
  started.bytes_before = capture->records.size();
  started.from_wall_ns = capture->events ? capture->first_ns + wall_minus_boot_ns_ : 0;
  capture->ends_boot_ns = now_boot_ns + std::chrono::nanoseconds(spec.after).count();
  started.closes_at_wall_ns = capture->ends_boot_ns + wall_minus_boot_ns_;
  if (spec.dry_run) {
    pending.started.set_value(started);
    return;
  }
  capture->header = header;
  for (const auto& [k, v] : spec.meta.items()) capture->header[k] = v;
  capture->header["evidence"] = {{"alert_id", spec.alert_id}, {"policy", spec.policy}, {"step", spec.step},
                                 {"scope", CaptureScopeName(spec.scope)},
                                 {"before_ms", spec.before.count()}, {"after_ms", spec.after.count()}};
  {
    std::lock_guard lock(mu_);
    ++stats_.captures_started;
  }
  pending.started.set_value(started);
  if (spec.after.count() <= 0 || capture->truncated) Close(std::move(capture));
  else active_.push_back(std::move(capture));
}

Result<CaptureStarted> FlightRecorder::Request(CaptureSpec spec, std::chrono::milliseconds wait) {
  auto pending = std::make_unique<Pending>();
  pending->spec = std::move(spec);
  auto future = pending->started.get_future();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Error{"the flight recorder is stopping"};
    requests_.push_back(std::move(pending));
  }
  if (future.wait_for(wait) != std::future_status::ready)
    return Error{"the capture thread did not start the capture within " + std::to_string(wait.count()) + " ms"};
  return future.get();
}

void FlightRecorder::Close(std::unique_ptr<Capture> capture) {
  std::lock_guard lock(mu_);
  to_write_.push_back(std::move(capture));
  writer_cv_.notify_one();
}

void FlightRecorder::Stop() {
  std::vector<std::unique_ptr<Pending>> requests;
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
    requests.swap(requests_);
  }
  for (auto& r : requests) r->started.set_value(Error{"the agent is stopping"});
  // The capture thread is done with the ring when Stop is called: running captures end now.
  for (auto& capture : active_) {
    capture->cut_short = "the agent stopped";
    Close(std::move(capture));
  }
  active_.clear();
  {
    std::lock_guard lock(mu_);
    writer_cv_.notify_one();
  }
  if (writer_.joinable()) writer_.join();
}

RecorderStats FlightRecorder::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void FlightRecorder::WriterLoop() {
  while (true) {
    std::unique_ptr<Capture> capture;
    {
      std::unique_lock lock(mu_);
      writer_cv_.wait(lock, [&] { return stopping_ || !to_write_.empty(); });
      if (to_write_.empty()) return;  // stopping, nothing left
      capture = std::move(to_write_.front());
      to_write_.pop_front();
    }
    CaptureClosed closed;
    closed.events = capture->events;
    closed.processes = capture->snapshots.size();
    closed.truncated = capture->truncated;
    if (capture->events) {
      closed.first_wall_ns = capture->first_ns + wall_minus_boot_ns_;
      closed.last_wall_ns = capture->last_ns + wall_minus_boot_ns_;
    }
    closed.cut_short = capture->cut_short;
    if (!capture->cut_short.empty()) capture->header["evidence"]["cut_short"] = capture->cut_short;
    auto written = [&]() -> Status {
      auto dir = capture->spec.path.substr(0, capture->spec.path.rfind('/'));
      if (auto st = MakePrivateDirectories(dir); !st) return st;
      auto w = CaptureWriter::Create(capture->spec.path, capture->header, /*exclusive=*/true);
      if (!w) return w.error();
      for (const auto& c : capture->containers)
        if (auto st = (*w)->Write(FrameType::kContainerSnapshot, {reinterpret_cast<const uint8_t*>(c.data()), c.size()});
            !st)
          return st;
      for (const auto& s : capture->snapshots)
        if (auto st = (*w)->Write(FrameType::kProcessSnapshot, {reinterpret_cast<const uint8_t*>(s.data()), s.size()});
            !st)
          return st;
      for (size_t at = 0; at < capture->records.size();) {
        uint32_t len;
        std::memcpy(&len, capture->records.data() + at, sizeof(len));
        if (auto st = (*w)->Write(FrameType::kKernelRecord, {capture->records.data() + at + 8, len}); !st) return st;
        at += 8 + Aligned(len);
      }
      if (auto st = (*w)->Sync(); !st) return st;
      auto digest = DigestPath(capture->spec.path);
      if (!digest) return digest.error();
      closed.sha256 = digest->sha256;
      closed.size = digest->size;
      return Status::Ok();
    }();
    if (!written) closed.error = written.error().message;
    closed.spec = std::move(capture->spec);
    if (!closed.error.empty()) spdlog::error("capture {}: {}", closed.spec.path, closed.error);
    {
      std::lock_guard lock(mu_);
      ++stats_.captures_closed;
    }
    if (on_closed_) on_closed_(closed);
  }
}

}  // namespace riposte
