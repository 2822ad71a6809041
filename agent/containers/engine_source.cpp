#include "containers/engine_source.h"

#include <spdlog/spdlog.h>

#include "containers/engine_description.h"
#include "containers/json_fields.h"

namespace riposte {
namespace {

constexpr size_t kMaxCachedImages = 256;  // a host's images in use, with room to spare

}  // namespace

EngineSource::EngineSource(std::string engine, std::string socket_path)
    : engine_(std::move(engine)), client_(std::move(socket_path)), control_(engine_, client_) {}

EngineSource::~EngineSource() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  cancel_.Cancel();
  if (watcher_.joinable()) watcher_.join();
}

Result<EngineVersion> EngineSource::Probe() {
  auto v = client_.Negotiate();
  reachable_.store(v.ok());
  return v;
}

Result<ContainerInfo> EngineSource::Describe(const std::string& id) {
  auto inspect = client_.InspectContainer(id);
  if (!inspect) {
    if (inspect.error().kind == ErrorKind::kUnavailable) reachable_.store(false);
    return inspect.error();
  }
  reachable_.store(true);
  // An image deleted under a running container leaves the image fields empty, as in Falco.
  const std::string image_id = JsonText(*inspect, "Image");
  nlohmann::json image;
  {
    std::lock_guard lock(images_mu_);
    if (auto it = images_.find(image_id); it != images_.end()) image = it->second;
  }
  if (image.is_null()) {
    if (auto fetched = client_.InspectImage(image_id)) {
      image = std::move(*fetched);
      std::lock_guard lock(images_mu_);
      if (images_.size() >= kMaxCachedImages) images_.clear();
      images_[image_id] = image;
    }
  }
  return DescribeEngineContainer(*inspect, image, engine_);
}

Result<std::vector<std::string>> EngineSource::ListIds() {
  auto ids = client_.ListIds();
  if (!ids && ids.error().kind == ErrorKind::kUnavailable) reachable_.store(false);
  return ids;
}

Result<std::vector<ContainerInfo>> EngineSource::DescribeAll() {
  auto ids = ListIds();
  if (!ids) return ids.error();
  std::vector<ContainerInfo> out;
  for (const auto& id : *ids) {
    auto info = Describe(id);
    if (info) out.push_back(std::move(*info));
    else if (info.error().kind == ErrorKind::kUnavailable) return info.error();
  }
  return out;
}

void EngineSource::Watch(EngineSourceHooks hooks) {
  if (watcher_.joinable()) return;
  hooks_ = std::move(hooks);
  watcher_ = std::thread([this] { WatchLoop(); });
}

void EngineSource::WatchLoop() {
  auto backoff = std::chrono::milliseconds(100);
  bool first = true;
  bool was_reachable = reachable_.load();
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    if (!first) {
      // Whatever happened while the stream was down: negotiate and list again.
      auto listed = Probe().ok() ? DescribeAll() : Result<std::vector<ContainerInfo>>(Error{"not answering", ErrorKind::kUnavailable});
      if (listed.ok() != was_reachable) {
        was_reachable = listed.ok();
        if (was_reachable) spdlog::info("containers: {} at {} is reachable again", engine_, socket_path());
        else spdlog::warn("containers: {} at {} went away ({}); retrying", engine_, socket_path(), listed.error().message);
      }
      if (listed)
        for (const auto& info : *listed) hooks_.described(info);
    }
    first = false;
    auto started = std::chrono::steady_clock::now();
    Status ended = client_.Events(
        [this](const EngineEvent& e) {
          if (e.action == "destroy" || e.action == "remove") hooks_.gone(e.container_id);
          else if (e.action == "create" || e.action == "start" || e.action == "rename" || e.action == "update" ||
                   e.action == "restart")
            hooks_.changed(e.container_id);
        },
        cancel_);
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    if (std::chrono::steady_clock::now() - started > std::chrono::seconds(5)) backoff = std::chrono::milliseconds(100);
    spdlog::debug("containers: {} event stream ended ({}); again in {} ms", engine_, ended.error().message, backoff.count());
    std::unique_lock lock(mu_);
    stop_cv_.wait_for(lock, backoff, [this] { return stop_; });
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

}  // namespace riposte
