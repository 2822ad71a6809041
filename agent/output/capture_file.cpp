#include "output/capture_file.h"

#include <cerrno>
#include <cstring>

#include <unistd.h>

#include "common/json_text.h"
#include "common/safe_file.h"
#include "riposte_abi.h"

namespace riposte {
namespace {

constexpr char kMagic[16] = {'R', 'I', 'P', 'O', 'S', 'T', 'E', '-', 'C', 'A', 'P', 'T', 'U', 'R', 'E', '\n'};
constexpr uint32_t kMaxFrame = 1u << 20;  // no record or snapshot comes near this
constexpr uint32_t kMaxHeader = 1u << 20;

size_t Padding(size_t n) { return (8 - n % 8) % 8; }

}  // namespace

Result<std::unique_ptr<CaptureWriter>> CaptureWriter::Create(const std::string& path, const nlohmann::json& meta,
                                                             bool exclusive) {
  auto fd = OpenFileForWriting(path, exclusive ? WriteMode::kCreateNew : WriteMode::kTruncate, 0600, false,
                               /*accept_devices=*/!exclusive);
  if (!fd) return Error{"capture file: " + fd.error().message};
  FILE* f = fdopen(fd->get(), "wb");
  if (!f) return Error{path + ": cannot create: " + std::strerror(errno)};
  (void)fd->release();
  std::unique_ptr<CaptureWriter> w(new CaptureWriter(f, path));
  std::string text = JsonText(meta);
  uint32_t abi = RP_ABI_VERSION, n = static_cast<uint32_t>(text.size());
  std::fwrite(kMagic, 1, sizeof(kMagic), f);
  std::fwrite(&abi, sizeof(abi), 1, f);
  std::fwrite(&n, sizeof(n), 1, f);
  std::fwrite(text.data(), 1, text.size(), f);
  static const uint8_t zeros[8] = {};
  std::fwrite(zeros, 1, Padding(sizeof(kMagic) + 8 + text.size()), f);
  if (std::ferror(f)) return Error{path + ": write failed: " + std::strerror(errno)};
  return w;
}

CaptureWriter::~CaptureWriter() {
  if (file_) std::fclose(file_);
}

Status CaptureWriter::Write(FrameType type, std::span<const uint8_t> payload) {
  uint32_t hdr[2] = {static_cast<uint32_t>(type), static_cast<uint32_t>(payload.size())};
  static const uint8_t zeros[8] = {};
  std::fwrite(hdr, sizeof(hdr), 1, file_);
  std::fwrite(payload.data(), 1, payload.size(), file_);
  std::fwrite(zeros, 1, Padding(payload.size()), file_);
  if (std::ferror(file_)) return Error{path_ + ": write failed: " + std::strerror(errno)};
  return Status::Ok();
}

Status CaptureWriter::Flush() {
  if (std::fflush(file_) != 0) return Error{path_ + ": flush failed: " + std::strerror(errno)};
  return Status::Ok();
}

Status CaptureWriter::Sync() {
  if (auto st = Flush(); !st) return st;
  if (fsync(fileno(file_)) != 0) return Error{path_ + ": fsync failed: " + std::strerror(errno)};
  return Status::Ok();
}

Result<std::unique_ptr<CaptureReader>> CaptureReader::Open(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Error{path + ": cannot open: " + std::strerror(errno)};
  std::unique_ptr<CaptureReader> r(new CaptureReader(f, path));
  char magic[sizeof(kMagic)];
  uint32_t abi = 0, n = 0;
  if (std::fread(magic, 1, sizeof(magic), f) != sizeof(magic) ||
      std::memcmp(magic, kMagic, sizeof(kMagic)) != 0)
    return r->At(0, "not a riposte capture file (bad magic)");
  if (std::fread(&abi, sizeof(abi), 1, f) != 1 || std::fread(&n, sizeof(n), 1, f) != 1)
    return r->At(16, "truncated header");
  if (abi != RP_ABI_VERSION)
    return r->At(16, "written with event ABI " + std::to_string(abi) + ", this riposte reads " +
                         std::to_string(RP_ABI_VERSION));
  if (n > kMaxHeader) return r->At(20, "header length " + std::to_string(n) + " is too large");
  std::string text(n, '\0');
  if (std::fread(text.data(), 1, n, f) != n) return r->At(24, "truncated header");
  r->header_.abi_version = abi;
  r->header_.meta = nlohmann::json::parse(text, nullptr, false);
  if (r->header_.meta.is_discarded()) return r->At(24, "header is not valid JSON");
  size_t pad = Padding(sizeof(kMagic) + 8 + n);
  std::fseek(f, static_cast<long>(pad), SEEK_CUR);
  r->offset_ = sizeof(kMagic) + 8 + n + pad;
  return r;
}

CaptureReader::~CaptureReader() {
  if (file_) std::fclose(file_);
}

Error CaptureReader::At(uint64_t offset, const std::string& what) const {
  return Error{path_ + ": byte " + std::to_string(offset) + ": " + what};
}

Result<bool> CaptureReader::Next(FrameType& type, std::span<const uint8_t>& payload) {
  uint32_t hdr[2];
  size_t got = std::fread(hdr, 1, sizeof(hdr), file_);
  if (got == 0 && std::feof(file_)) return false;
  if (got != sizeof(hdr)) return At(offset_, "truncated frame header");
  if (hdr[0] != static_cast<uint32_t>(FrameType::kProcessSnapshot) &&
      hdr[0] != static_cast<uint32_t>(FrameType::kKernelRecord) &&
      hdr[0] != static_cast<uint32_t>(FrameType::kContainerSnapshot))
    return At(offset_, "unknown frame type " + std::to_string(hdr[0]));
  if (hdr[1] > kMaxFrame) return At(offset_, "frame length " + std::to_string(hdr[1]) + " is too large");
  size_t padded = hdr[1] + Padding(hdr[1]);
  buffer_.resize(padded / 8 + 1);
  if (std::fread(buffer_.data(), 1, padded, file_) != padded)
    return At(offset_, "truncated frame (" + std::to_string(hdr[1]) + " bytes announced)");
  type = static_cast<FrameType>(hdr[0]);
  payload = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(buffer_.data()), hdr[1]);
  offset_ += sizeof(hdr) + padded;
  return true;
}

}  // namespace riposte
