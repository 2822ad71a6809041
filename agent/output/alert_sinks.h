// Where alerts go: stdout (Falco JSON or text), a file (one JSON alert per line), an HTTP
// endpoint (Falcosidekick-compatible POST of the JSON alert). Stream and file sinks buffer:
// the agent flushes them once per pass over the ring buffer (every few ms), not per alert,
// so a rule that fires on every event costs a write per batch, not a syscall per alert.
#pragma once

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "output/alert_formats.h"
#include "rules/alert.h"

namespace riposte {

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void Write(const Alert& alert) = 0;
  virtual void Flush() {}
};

class StreamAlertSink : public AlertSink {
 public:
  StreamAlertSink(FILE* out, bool json, AlertFormat format = AlertFormat::kFalco)
      : out_(out), json_(json), format_(format) {}
  void Write(const Alert& alert) override;
  void Flush() override { std::fflush(out_); }

 private:
  FILE* out_;
  bool json_;
  AlertFormat format_;
};

class FileAlertSink : public AlertSink {
 public:
  static Result<std::unique_ptr<FileAlertSink>> Open(const std::string& path, AlertFormat format = AlertFormat::kFalco);
  ~FileAlertSink() override;
  void Write(const Alert& alert) override;
  void Flush() override { std::fflush(file_); }

 private:
  FileAlertSink(FILE* f, AlertFormat format) : file_(f), format_(format) {}
  FILE* file_;
  AlertFormat format_;
};

// Posts on a worker thread so a slow endpoint never stalls detection; a bounded queue
// drops (and counts) alerts when the endpoint cannot keep up.
class HttpAlertSink : public AlertSink {
 public:
  static Result<std::unique_ptr<HttpAlertSink>> Create(const std::string& url, AlertFormat format = AlertFormat::kFalco);
  ~HttpAlertSink() override;
  void Write(const Alert& alert) override;
  uint64_t sent() const;
  uint64_t failed() const;
  uint64_t dropped() const;

 private:
  HttpAlertSink(std::string scheme_host_port, std::string path, AlertFormat format);
  void Run();

  std::string origin_, path_;
  AlertFormat format_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  bool stop_ = false;
  uint64_t sent_ = 0, failed_ = 0, dropped_ = 0;
  std::thread worker_;
};

}  // namespace riposte
