#include "containers/container_directory.h"

#include <sys/stat.h>

#include <algorithm>

#include <spdlog/spdlog.h>

#include "containers/container_description.h"
#include "containers/cri_description.h"

namespace riposte {
namespace {

// A pod CRI does not list yet is being created: ask again a little later, a few times.
constexpr int kPodRetries = 10;
constexpr auto kPodRetryDelay = std::chrono::milliseconds(300);
// A process already runs in the cgroup of a container its engine does not know yet: the
// engine has not committed it (podman answers "no such container" while it starts one).
// Asked again after 10, 20, 40 ... 320 ms.
constexpr int kEngineRetries = 6;

bool IsSocket(const std::string& path) {
  struct stat st{};
  return !path.empty() && stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

// Whether a Docker-API engine may run a container whose cgroup names `runtime`: its own,
// or any when the cgroup did not say (a short id from an alert).
bool EngineMayRun(const EngineSource& engine, std::string_view runtime) {
  return runtime.empty() || runtime == engine.engine();
}

}  // namespace

ContainerDirectory::ContainerDirectory(ContainerDirectoryOptions options)
    : options_(std::move(options)),
      containerd_(options_.containerd_socket),
      cri_(options_.cri_socket.empty() ? options_.containerd_socket : options_.cri_socket) {}

ContainerDirectory::~ContainerDirectory() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  fetch_cv_.notify_all();
  stop_cv_.notify_all();
  subscription_.Cancel();
  if (watcher_.joinable()) watcher_.join();
  if (fetcher_.joinable()) fetcher_.join();
}

Status ContainerDirectory::Start() {
  auto version = containerd_.Version();
  Status status = Status::Ok();
  if (version) {
    if (Status listed = ListAll(); !listed.ok()) spdlog::warn("containers: {}", listed.error().message);
    auto cri = cri_.Version();
    spdlog::info("containers: containerd {} at {}; {}", *version, options_.containerd_socket,
                 cri ? "CRI: " + *cri : "CRI not available (" + cri.error().message + "): no pod metadata");
  } else {
    status = Error{"containerd is not reachable at " + options_.containerd_socket + ": " + version.error().message};
  }
  if (SeparateCriSocket()) {
    // CRI-O (or a runtime given only by its CRI socket): its containers are described
    // through CRI when first seen; CRI v1 has no event stream to follow.
    auto cri = cri_.Version();
    if (cri) spdlog::info("containers: CRI {} at {}: its containers described through CRI", *cri, options_.cri_socket);
    else spdlog::warn("containers: CRI at {} does not answer ({}); asked again per container", options_.cri_socket,
                      cri.error().message);
    if (cri && !version) status = Status::Ok();  // CRI is the runtime here
  }
  StartEngines();
  watcher_ = std::thread([this] { WatchLoop(); });
  fetcher_ = std::thread([this] { FetchLoop(); });
  return status;
}

void ContainerDirectory::AttachEngines() {
  if (!engines_.empty()) return;
  for (const auto& [engine, socket] : {std::pair{"docker", options_.docker_socket}, std::pair{"podman", options_.podman_socket}}) {
    if (socket.empty()) continue;
    if (!IsSocket(socket)) {
      spdlog::info("containers: {}: no socket at {}, not used", engine, socket);
      continue;
    }
    engines_.push_back(std::make_unique<EngineSource>(engine, socket));
  }
}

void ContainerDirectory::StartEngines() {
  AttachEngines();
  for (const auto& source : engines_) {
    const std::string& engine = source->engine();
    auto version = source->Probe();
    if (version) {
      auto all = source->DescribeAll();
      if (all)
        for (const auto& info : *all) Publish(info);
      spdlog::info("containers: {} {} (API {}) at {}: {} containers", engine, version->version,
                   version->api_version.empty() ? "unversioned" : version->api_version, source->socket_path(),
                   all ? all->size() : 0);
    } else {
      spdlog::warn("containers: {} at {} does not answer ({}); watching for it", engine, source->socket_path(),
                   version.error().message);
    }
    source->Watch({.changed = [this, engine](const std::string& id) { Enqueue(id, "", engine); },
                   .gone =
                       [this](const std::string& id) {
                         std::lock_guard lock(mu_);
                         entries_.erase(id);
                       },
                   .described = [this](const ContainerInfo& info) { Publish(info); }});
  }
}

ContainerControl& ContainerDirectory::ControlFor(const ContainerInfo& info, std::string* fallback) {
  if (info.cri_described) return cri_control_;
  for (const auto& engine : engines_) {
    if (engine->engine() != info.engine) continue;
    if (engine->reachable() || engine->Probe()) return engine->control();
    // dockerd runs its containers on containerd: with dockerd down, act there.
    if (info.engine == "docker" && containerd_.Version()) {
      if (fallback)
        *fallback = "docker at " + engine->socket_path() + " does not answer: acted through containerd's " +
                    info.runtime_namespace + " namespace";
      return containerd_control_;
    }
    return engine->control();  // its calls fail as unavailable, and are retried
  }
  return containerd_control_;
}

ContainerDirectoryCounters ContainerDirectory::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

std::shared_ptr<ContainerEntry> ContainerDirectory::EntryFor(const std::string& id, std::string_view runtime) {
  std::unique_lock lock(mu_);
  auto it = entries_.find(id);
  if (it != entries_.end()) return it->second;
  auto entry = std::make_shared<ContainerEntry>(id);
  entries_.emplace(id, entry);
  lock.unlock();
  Enqueue(id, "", std::string(runtime), 0, std::chrono::milliseconds(0), /*unless_known=*/true);
  return entry;
}

std::optional<PodRecord> ContainerDirectory::PodFor(const std::string& sandbox_id) {
  {
    std::lock_guard lock(mu_);
    if (auto it = pods_.find(sandbox_id); it != pods_.end()) return it->second;
  }
  auto pod = cri_.PodSandboxStatus(sandbox_id);
  if (!pod) return std::nullopt;
  std::lock_guard lock(mu_);
  pods_[sandbox_id] = *pod;
  return *pod;
}

void ContainerDirectory::Publish(const ContainerInfo& info) {
  std::shared_ptr<ContainerEntry> entry;
  {
    std::lock_guard lock(mu_);
    auto& slot = entries_[info.id];
    if (!slot) slot = std::make_shared<ContainerEntry>(info.id);
    entry = slot;
    ++counters_.lookups;
  }
  // containerd's record of a Docker container ("moby") never replaces dockerd's richer
  // description of it.
  if (const ContainerInfo* old = entry->info(); old && old->engine_described && !info.engine_described) return;
  entry->Publish(info);
}

Result<ContainerInfo> ContainerDirectory::Fetch(const std::string& id, const std::string& ns_hint,
                                                std::string_view runtime, bool* pod_missing) {
  std::optional<Error> engine_down;
  for (const auto& engine : engines_) {
    if (!EngineMayRun(*engine, runtime)) continue;
    auto info = engine->Describe(id);
    if (info) {
      Publish(*info);
      return info;
    }
    if (info.error().kind != ErrorKind::kNotFound && !engine_down) engine_down = info.error();
  }
  // podman runs its containers itself; no other runtime can describe them.
  if (runtime == "podman") {
    std::lock_guard lock(mu_);
    ++counters_.lookup_failures;
    return engine_down ? *engine_down : Error{"container " + id + " is not podman's", ErrorKind::kNotFound};
  }
  // CRI-O runs its containers itself: only its CRI socket can describe them.
  if (runtime == "cri-o") return FetchFromCri(id, pod_missing);
  auto info = FetchFromContainerd(id, ns_hint, pod_missing);
  // A runtime reached only through a CRI socket of its own (containerd's API not given,
  // or not this runtime's): ask it. containerd's "down" outranks CRI's "not mine", so the
  // lookup is retried.
  if (!info && SeparateCriSocket()) {
    auto from_cri = FetchFromCri(id, pod_missing);
    if (from_cri || info.error().kind != ErrorKind::kUnavailable) return from_cri;
  }
  // A Docker container while dockerd is down: containerd's "moby" record is all there is
  // (no name or image); say the engine is down, so the lookup is retried.
  if (engine_down && runtime == "docker" && info) return *engine_down;
  return info;
}

Result<ContainerInfo> ContainerDirectory::FetchFromContainerd(const std::string& id, const std::string& ns_hint,
                                                              bool* pod_missing) {
  std::vector<std::string> order;
  if (!ns_hint.empty()) order.push_back(ns_hint);
  for (const auto& ns : options_.namespaces)
    if (ns != ns_hint) order.push_back(ns);
  Error last{"container " + id + " is in none of containerd's namespaces " , ErrorKind::kNotFound};
  for (const auto& ns : order) {
    auto record = containerd_.GetContainer(ns, id);
    if (!record) {
      if (record.error().kind == ErrorKind::kNotFound) continue;
      std::lock_guard lock(mu_);
      ++counters_.lookup_failures;
      return record.error();
    }
    std::optional<PodRecord> pod;
    std::string sandbox = SandboxIdOf(*record);
    if (!sandbox.empty()) {
      pod = PodFor(sandbox);
      if (!pod && pod_missing) *pod_missing = true;
    }
    ContainerInfo info = DescribeContainer(*record, pod ? &*pod : nullptr);
    Publish(info);
    return info;
  }
  for (const auto& ns : order) last.message += (last.message.back() == ' ' ? "" : ", ") + ns;
  std::lock_guard lock(mu_);
  ++counters_.lookup_failures;
  return last;
}

bool ContainerDirectory::SeparateCriSocket() const {
  return !options_.cri_socket.empty() && options_.cri_socket != options_.containerd_socket;
}

std::string ContainerDirectory::CriRuntimeName() {
  {
    std::lock_guard lock(mu_);
    if (!cri_runtime_name_.empty()) return cri_runtime_name_;
  }
  auto version = cri_.RuntimeVersion();
  if (!version) return "";
  std::lock_guard lock(mu_);
  cri_runtime_name_ = version->runtime_name;
  return cri_runtime_name_;
}

Result<ContainerInfo> ContainerDirectory::FetchFromCri(const std::string& id, bool* pod_missing) {
  const std::string runtime_name = CriRuntimeName();
  auto status = cri_.ContainerStatus(id, /*verbose=*/true);
  if (!status) {
    // A pod's sandbox is no container to CRI: its pod describes it.
    if (status.error().kind == ErrorKind::kNotFound)
      if (auto pod = cri_.PodSandboxStatus(id)) {
        ContainerInfo info = DescribeCriSandbox(*pod, runtime_name);
        Publish(info);
        return info;
      }
    std::lock_guard lock(mu_);
    ++counters_.lookup_failures;
    return status.error();
  }
  std::optional<PodRecord> pod;
  if (std::string sandbox = ParseCriVerboseInfo(status->verbose_info).sandbox_id; !sandbox.empty()) {
    pod = PodFor(sandbox);
    if (!pod && pod_missing) *pod_missing = true;
  }
  ContainerInfo info = DescribeCriContainer(*status, pod ? &*pod : nullptr, runtime_name);
  Publish(info);
  return info;
}

Result<ContainerInfo> ContainerDirectory::Describe(const std::string& id_or_prefix) {
  std::string id = id_or_prefix;
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end() && id.size() < 64) {
      for (const auto& [full, entry] : entries_)
        if (full.starts_with(id)) {
          id = full;
          it = entries_.find(full);
          break;
        }
    }
    if (it != entries_.end())
      if (const ContainerInfo* info = it->second->info()) return *info;
  }
  if (id.size() < 64) {
    // A short id the table does not know: find it in the engines' and containerd's listings.
    for (const auto& engine : engines_) {
      auto ids = engine->ListIds();
      if (!ids) continue;
      for (const auto& full : *ids)
        if (full.starts_with(id)) return Fetch(full, "", engine->engine());
    }
    std::optional<Error> containerd_error;
    for (const auto& ns : options_.namespaces) {
      auto all = containerd_.ListContainers(ns);
      if (!all) {
        containerd_error = all.error();
        break;
      }
      for (const auto& r : *all)
        if (r.id.starts_with(id)) return Fetch(r.id, ns, "");
    }
    if (SeparateCriSocket())
      if (auto all = cri_.ListContainers(); all.ok())
        for (const auto& r : *all)
          if (r.id.starts_with(id)) return FetchFromCri(r.id, nullptr);
    // containerd not answering may still hold it, unless there is no containerd here at all.
    if (containerd_error && (!SeparateCriSocket() || IsSocket(options_.containerd_socket))) return *containerd_error;
    return Error{"no container with id " + id_or_prefix + (SeparateCriSocket() ? " in containerd or CRI" : " in containerd"),
                 ErrorKind::kNotFound};
  }
  return Fetch(id, "", "");
}

Status ContainerDirectory::ListAll() {
  Status status = Status::Ok();
  for (const auto& ns : options_.namespaces) {
    auto all = containerd_.ListContainers(ns);
    if (!all) {
      if (status.ok()) status = Error{"listing namespace " + ns + ": " + all.error().message, all.error().kind};
      continue;
    }
    for (const auto& record : *all) {
      std::optional<PodRecord> pod;
      if (std::string sandbox = SandboxIdOf(record); !sandbox.empty()) pod = PodFor(sandbox);
      Publish(DescribeContainer(record, pod ? &*pod : nullptr));
    }
  }
  return status;
}

void ContainerDirectory::Enqueue(std::string id, std::string ns, std::string runtime, int attempts,
                                 std::chrono::milliseconds delay, bool unless_known) {
  {
    std::lock_guard lock(mu_);
    pending_.push_back({std::move(id), std::move(ns), std::move(runtime), attempts, unless_known,
                        std::chrono::steady_clock::now() + delay});
  }
  fetch_cv_.notify_one();
}

void ContainerDirectory::GiveUpWaitingFor(const std::string& id) {
  std::shared_ptr<ContainerEntry> entry;
  {
    std::lock_guard lock(mu_);
    if (auto it = entries_.find(id); it != entries_.end()) entry = it->second;
  }
  if (entry) entry->GiveUp();  // events held for it are judged now
}

void ContainerDirectory::FetchLoop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (pending_.empty()) {
      fetch_cv_.wait(lock);
      continue;
    }
    // The first lookup that is due, in arrival order: a fresh container (its create
    // event) never waits behind a delayed retry (a sandbox whose pod was not ready yet).
    auto now = std::chrono::steady_clock::now();
    auto due = std::find_if(pending_.begin(), pending_.end(), [&](const Pending& p) { return p.not_before <= now; });
    if (due == pending_.end()) {
      auto earliest = std::min_element(pending_.begin(), pending_.end(),
                                       [](const Pending& a, const Pending& b) { return a.not_before < b.not_before; });
      fetch_cv_.wait_until(lock, earliest->not_before);
      continue;
    }
    Pending next = std::move(*due);
    pending_.erase(due);
    // The engine's create event and the state stage's first sight of the container both
    // ask; the second need not wait on the engine again.
    if (next.unless_known)
      if (auto it = entries_.find(next.id); it != entries_.end() && it->second->info()) continue;
    lock.unlock();
    bool pod_missing = false;
    auto info = Fetch(next.id, next.ns, next.runtime, &pod_missing);
    if (info && pod_missing && next.attempts < kPodRetries) {
      Enqueue(next.id, info->runtime_namespace, next.runtime, next.attempts + 1, kPodRetryDelay);
    } else if (!info && info.error().kind == ErrorKind::kUnavailable && next.attempts < kPodRetries) {
      // Asked again later, but the container's events are not held for a runtime that is
      // not answering: they are judged now, described once it answers.
      GiveUpWaitingFor(next.id);
      Enqueue(next.id, next.ns, next.runtime, next.attempts + 1, kPodRetryDelay, next.unless_known);
    } else if (!info && info.error().kind == ErrorKind::kNotFound && (next.runtime == "docker" || next.runtime == "podman") &&
               next.attempts < kEngineRetries) {
      Enqueue(next.id, next.ns, next.runtime, next.attempts + 1, std::chrono::milliseconds(10 << next.attempts),
              next.unless_known);
    } else if (!info) {
      spdlog::debug("containers: {}: {}", next.id, info.error().message);
      GiveUpWaitingFor(next.id);
    }
    lock.lock();
  }
}

void ContainerDirectory::WatchLoop() {
  auto backoff = std::chrono::milliseconds(100);
  bool first = true;
  // Said once per change, not on every retry: an agent on a host without containerd
  // would otherwise repeat the same warning every few seconds for its whole life.
  bool reachable = containerd_.Version().ok();
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    if (!first) {
      // Whatever happened while the stream was down: list again.
      Status listed = ListAll();
      if (listed.ok() != reachable) {
        reachable = listed.ok();
        if (reachable) spdlog::info("containers: containerd at {} is reachable again", options_.containerd_socket);
        else spdlog::warn("containers: containerd at {} went away ({}); retrying", options_.containerd_socket,
                          listed.error().message);
      }
      if (!reachable) {
        std::unique_lock lock(mu_);
        stop_cv_.wait_for(lock, backoff, [this] { return stop_; });
        backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
        continue;
      }
      std::lock_guard lock(mu_);
      ++counters_.reconnects;
    }
    first = false;
    auto started = std::chrono::steady_clock::now();
    Status ended = containerd_.Subscribe(
        [this](const RuntimeEvent& e) {
          {
            std::lock_guard lock(mu_);
            ++counters_.events;
          }
          if (e.container_id.empty()) return;
          if (e.topic == "/containers/delete") {
            std::lock_guard lock(mu_);
            entries_.erase(e.container_id);
            pods_.erase(e.container_id);
          } else if (e.topic == "/containers/create" || e.topic == "/containers/update" || e.topic == "/tasks/start") {
            Enqueue(e.container_id, e.runtime_namespace, e.runtime_namespace == "moby" ? "docker" : "containerd");
          } else if (e.topic == "/tasks/oom") {
            spdlog::info("containers: container {} ({}) hit its memory limit", e.container_id, e.runtime_namespace);
          }
        },
        subscription_);
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    if (std::chrono::steady_clock::now() - started > std::chrono::seconds(5)) backoff = std::chrono::milliseconds(100);
    spdlog::debug("containers: event stream ended ({}); again in {} ms", ended.error().message, backoff.count());
    std::unique_lock lock(mu_);
    stop_cv_.wait_for(lock, backoff, [this] { return stop_; });
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

}  // namespace riposte
