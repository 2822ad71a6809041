#include "audit/audit_seal.h"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

#include "audit/sha256.h"
#include "common/safe_file.h"

namespace riposte {
namespace {

constexpr std::string_view kKeyTag = "riposte-seal-v1";
constexpr std::string_view kStateTag = "riposte-seal-state-v1";

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

// HKDF-SHA-256 of `key` with `info` (no salt), 32 bytes.
std::array<unsigned char, 32> Hkdf(const std::array<unsigned char, 32>& key, std::string_view info) {
  std::array<unsigned char, 32> out{};
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  EVP_KDF_CTX* ctx = kdf ? EVP_KDF_CTX_new(kdf) : nullptr;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<unsigned char*>(key.data()), key.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()), info.size()),
      OSSL_PARAM_construct_end()};
  const bool ok = ctx && EVP_KDF_derive(ctx, out.data(), out.size(), params) == 1;
  EVP_KDF_CTX_free(ctx);
  EVP_KDF_free(kdf);
  // Only a broken OpenSSL fails here; sealing with a zero key would be silent forgery.
  if (!ok) std::abort();
  return out;
}

bool ParseU64(std::string_view text, uint64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool ParseI64(std::string_view text, int64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::vector<std::string_view> Words(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r')) ++i;
    size_t j = i;
    while (j < text.size() && !(text[j] == ' ' || text[j] == '\n' || text[j] == '\t' || text[j] == '\r')) ++j;
    if (j > i) out.push_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

SealKey::~SealKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

Result<SealKey> SealKey::Random() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return Error{"no random bytes for a sealing key"};
  SealKey key(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

Result<SealKey> SealKey::FromHex(std::string_view hex) {
  if (hex.size() != 64) return Error{"a sealing key is 64 hexadecimal digits"};
  std::array<unsigned char, 32> bytes{};
  for (size_t i = 0; i < 32; ++i) {
    auto [end, ec] = std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2, bytes[i], 16);
    if (ec != std::errc() || end != hex.data() + 2 * i + 2) return Error{"a sealing key is 64 hexadecimal digits"};
  }
  SealKey key(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

std::string SealKey::Hex() const { return HexOf(bytes_.data(), bytes_.size()); }

int64_t SealSchedule::EpochOf(int64_t wall_ns) const {
  if (epoch_ns <= 0 || wall_ns < start_ns) return -1;
  return (wall_ns - start_ns) / epoch_ns;
}

SealKey NextSealKey(const SealKey& key) { return SealKey(Hkdf(key.bytes(), "riposte audit seal: next epoch")); }

std::string SealMac(const SealKey& key, uint64_t epoch, uint64_t seal_seq, std::string_view prev_hash) {
  const SealKey mac_key(Hkdf(key.bytes(), "riposte audit seal: mac"));
  const std::string message = std::string(kKeyTag) + "\n" + std::to_string(epoch) + "\n" + std::to_string(seal_seq) +
                              "\n" + std::string(prev_hash);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), mac_key.bytes().data(), static_cast<int>(mac_key.bytes().size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &len);
  return HexOf(digest, len);
}

std::string SealVerificationKey::Text() const {
  return std::string(kKeyTag) + " " + std::to_string(schedule.start_ns) + " " +
         std::to_string(schedule.epoch_ns / 1000000000) + " " + first.Hex();
}

Result<SealVerificationKey> SealVerificationKey::Parse(std::string_view text) {
  const auto words = Words(text);
  SealVerificationKey out;
  int64_t seconds = 0;
  if (words.size() != 4 || words[0] != kKeyTag || !ParseI64(words[1], out.schedule.start_ns) ||
      !ParseI64(words[2], seconds) || seconds <= 0 || seconds > 366 * 86400)
    return Error{"not a riposte verification key (expected \"" + std::string(kKeyTag) +
                 " START_NS EPOCH_SECONDS KEY_HEX\")"};
  out.schedule.epoch_ns = seconds * 1000000000;
  auto key = SealKey::FromHex(words[3]);
  if (!key) return key.error();
  out.first = *key;
  return out;
}

SealKey SealVerificationKey::KeyOf(uint64_t epoch) const {
  SealKey k = first;
  for (uint64_t e = 0; e < epoch; ++e) k = NextSealKey(k);
  return k;
}

std::string SealState::Line(const SealSchedule& schedule, uint64_t epoch, const SealKey& key) {
  // Fixed width: every step overwrites the same bytes.
  char buf[256];
  const int n = std::snprintf(buf, sizeof buf, "%s start_ns=%020lld epoch_s=%010lld epoch=%020llu key=%s\n",
                              kStateTag.data(), static_cast<long long>(schedule.start_ns),
                              static_cast<long long>(schedule.epoch_ns / 1000000000),
                              static_cast<unsigned long long>(epoch), key.Hex().c_str());
  std::string line(buf, static_cast<size_t>(n));
  OPENSSL_cleanse(buf, sizeof buf);
  return line;
}

Result<SealVerificationKey> SealState::Init(const std::string& log_path, int64_t epoch_seconds, int64_t now_ns) {
  if (epoch_seconds < 1 || epoch_seconds > 366 * 86400) return Error{"the sealing epoch must be 1 s to 366 days"};
  const std::string path = PathFor(log_path);
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0)
    return Error{path + " exists: this trail is sealed already (move it aside to start a new key)"};
  auto key = SealKey::Random();
  if (!key) return key.error();
  SealVerificationKey out{{now_ns, epoch_seconds * 1000000000}, *key};
  auto fd = OpenFileForWriting(path, WriteMode::kUpdate, 0600);
  if (!fd) return fd.error();
  std::string line = Line(out.schedule, 0, out.first);
  const bool written = pwrite(fd->get(), line.data(), line.size(), 0) == static_cast<ssize_t>(line.size()) &&
                       fdatasync(fd->get()) == 0;
  OPENSSL_cleanse(line.data(), line.size());
  if (!written) return Error{Errno(path + ": write")};
  return out;
}

Result<std::unique_ptr<SealState>> SealState::Open(const std::string& log_path) {
  const std::string path = PathFor(log_path);
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::unique_ptr<SealState>();
    return Error{Errno(path)};
  }
  auto fd = OpenFileForWriting(path, WriteMode::kUpdate, 0600, false);
  if (!fd) return fd.error();
  char buf[256] = {};
  const ssize_t n = pread(fd->get(), buf, sizeof buf - 1, 0);
  if (n <= 0) return Error{path + ": empty or unreadable: the sealing state is lost (see docs/audit.md)"};
  const std::string text(buf, static_cast<size_t>(n));
  OPENSSL_cleanse(buf, sizeof buf);
  auto words = Words(text);
  SealSchedule schedule;
  int64_t seconds = 0;
  uint64_t epoch = 0;
  auto value = [&](size_t i, std::string_view name) -> std::string_view {
    if (i >= words.size() || words[i].substr(0, name.size()) != name) return {};
    return words[i].substr(name.size());
  };
  if (words.size() != 5 || words[0] != kStateTag || !ParseI64(value(1, "start_ns="), schedule.start_ns) ||
      !ParseI64(value(2, "epoch_s="), seconds) || seconds <= 0 || !ParseU64(value(3, "epoch="), epoch))
    return Error{path + ": not a riposte sealing state"};
  schedule.epoch_ns = seconds * 1000000000;
  auto key = SealKey::FromHex(value(4, "key="));
  if (!key) return Error{path + ": " + key.error().message};
  return std::unique_ptr<SealState>(new SealState(std::move(*fd), path, schedule, epoch, *key));
}

Status SealState::Advance(uint64_t epoch) {
  if (epoch <= epoch_) return Status::Ok();
  SealKey next = key_;
  for (uint64_t e = epoch_; e < epoch; ++e) next = NextSealKey(next);
  std::string line = Line(schedule_, epoch, next);
  const bool written = pwrite(fd_.get(), line.data(), line.size(), 0) == static_cast<ssize_t>(line.size()) &&
                       fdatasync(fd_.get()) == 0;
  OPENSSL_cleanse(line.data(), line.size());
  if (!written) return Error{Errno(path_ + ": cannot step the sealing key")};
  key_ = next;  // the old key's bytes are overwritten here too
  epoch_ = epoch;
  return Status::Ok();
}

}  // namespace riposte
