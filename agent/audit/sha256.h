// SHA-256 of a byte string, as lowercase hex: the link of the audit log's hash chain.
// OpenSSL's libcrypto does the hashing; this is only the one call the chain needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace riposte {

std::string Sha256Hex(std::string_view bytes);

// A file's SHA-256 (lowercase hex) and size, read from `fd` from its start to its end.
struct FileDigest {
  std::string sha256;
  uint64_t size = 0;
};
Result<FileDigest> DigestFile(int fd);
// The same for `path`, opened without following a symbolic link.
Result<FileDigest> DigestPath(const std::string& path);
// Lower-case hexadecimal of `size` bytes.
std::string HexOf(const unsigned char* bytes, size_t size);

// The previous-hash of the first record of a chain.
inline constexpr std::string_view kChainOrigin =
    "0000000000000000000000000000000000000000000000000000000000000000";

}  // namespace riposte
