#include "output/alert_sinks.h"

#include <cerrno>
#include <cstring>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "common/control_escape.h"
#include "common/safe_file.h"

namespace riposte {
namespace {

std::string JsonLine(const Alert& alert, AlertFormat format) {
  return RenderAlert(AlertToJson(alert), format).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void StreamAlertSink::Write(const Alert& alert) {
  std::string line = json_ ? JsonLine(alert, format_)
                           : EscapeControl(AlertToText(alert));  // hostile names cannot forge lines
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), out_);
}

Result<std::unique_ptr<FileAlertSink>> FileAlertSink::Open(const std::string& path, AlertFormat format) {
  // 0600: alerts carry command lines and file names; never through a planted link.
  auto fd = OpenFileForWriting(path, WriteMode::kAppend, 0600, false, /*accept_devices=*/true);
  if (!fd) return Error{"alerts file: " + fd.error().message};
  FILE* f = fdopen(fd->get(), "a");
  if (!f) return Error{path + ": cannot open for appending: " + std::strerror(errno)};
  (void)fd->release();
  return std::unique_ptr<FileAlertSink>(new FileAlertSink(f, format));
}

FileAlertSink::~FileAlertSink() { std::fclose(file_); }

void FileAlertSink::Write(const Alert& alert) {
  std::string line = JsonLine(alert, format_) + "\n";
  std::fwrite(line.data(), 1, line.size(), file_);
}

Result<std::unique_ptr<HttpAlertSink>> HttpAlertSink::Create(const std::string& url, AlertFormat format) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos || url.compare(0, scheme_end, "http") != 0)
    return Error{"alert URL '" + url + "' must start with http:// (https is not supported yet)"};
  auto path_start = url.find('/', scheme_end + 3);
  std::string origin = url.substr(0, path_start);
  std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
  return std::unique_ptr<HttpAlertSink>(new HttpAlertSink(origin, path, format));
}

HttpAlertSink::HttpAlertSink(std::string origin, std::string path, AlertFormat format)
    : origin_(std::move(origin)), path_(std::move(path)), format_(format), worker_([this] { Run(); }) {}

HttpAlertSink::~HttpAlertSink() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

void HttpAlertSink::Write(const Alert& alert) {
  std::string body = JsonLine(alert, format_);
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= 10000) {
      ++dropped_;
      return;
    }
    queue_.push_back(std::move(body));
  }
  cv_.notify_one();
}

void HttpAlertSink::Run() {
  httplib::Client client(origin_);
  client.set_connection_timeout(2);
  client.set_read_timeout(5);
  while (true) {
    std::string body;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, all sent
      body = std::move(queue_.front());
      queue_.pop_front();
    }
    auto res = client.Post(path_, body, "application/json");
    std::lock_guard lock(mu_);
    if (res && res->status >= 200 && res->status < 300) {
      ++sent_;
    } else {
      ++failed_;
      if (failed_ <= 5 || failed_ % 1000 == 0)
        spdlog::warn("alert POST to {}{} failed: {}", origin_, path_,
                     res ? "HTTP " + std::to_string(res->status) : httplib::to_string(res.error()));
    }
  }
}

uint64_t HttpAlertSink::sent() const { std::lock_guard lock(mu_); return sent_; }
uint64_t HttpAlertSink::failed() const { std::lock_guard lock(mu_); return failed_; }
uint64_t HttpAlertSink::dropped() const { std::lock_guard lock(mu_); return dropped_; }

}  // namespace riposte
