// Capture files: what `riposte capture --write` records and `riposte replay` reads back.
// A file holds a header (ABI version, time base, host), then (flight recorder captures)
// the descriptions of the containers in it, then the process table as it was when capture
// started, then the raw kernel records in arrival order, so a replay rebuilds exactly the
// state the live agent had.
//
// Layout: "RIPOSTE-CAPTURE\n", u32 abi version, u32 n, n bytes of header JSON, then
// frames of {u32 type, u32 length, payload, zero padding to 8 bytes}.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace riposte {

enum class FrameType : uint32_t {
  kProcessSnapshot = 1,  // JSON of one ProcessInfo
  kKernelRecord = 2,     // raw ring-buffer record
  kContainerSnapshot = 3,  // JSON of one ContainerInfo (flight recorder captures), before the processes
};

struct CaptureHeader {
  uint32_t abi_version = 0;
  nlohmann::json meta;  // time_base_ns, hostname, syscalls, started
};

class CaptureWriter {
 public:
  // `exclusive`: refuse a file that exists (evidence is never replaced); otherwise an
  // existing file of riposte's own is emptied.
  static Result<std::unique_ptr<CaptureWriter>> Create(const std::string& path, const nlohmann::json& meta,
                                                       bool exclusive = false);
  ~CaptureWriter();
  Status Write(FrameType type, std::span<const uint8_t> payload);
  Status Flush();
  // Flushes and fsyncs: the file is on disk when this returns.
  Status Sync();

 private:
  CaptureWriter(FILE* f, std::string path) : file_(f), path_(std::move(path)) {}
  FILE* file_;
  std::string path_;
};

class CaptureReader {
 public:
  static Result<std::unique_ptr<CaptureReader>> Open(const std::string& path);
  ~CaptureReader();
  const CaptureHeader& header() const { return header_; }
  // Reads the next frame into type/payload. Returns false at a clean end of file; an
  // error names the file and byte offset of the bad frame.
  Result<bool> Next(FrameType& type, std::span<const uint8_t>& payload);

 private:
  CaptureReader(FILE* f, std::string path) : file_(f), path_(std::move(path)) {}
  Error At(uint64_t offset, const std::string& what) const;
  FILE* file_;
  std::string path_;
  CaptureHeader header_;
  uint64_t offset_ = 0;
  std::vector<uint64_t> buffer_;  // 8-byte aligned, as records are in the ring buffer
};

}  // namespace riposte
