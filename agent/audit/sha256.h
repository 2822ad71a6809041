// SHA-256 of a byte string, as lowercase hex: the link of the audit log's hash chain.
// OpenSSL's libcrypto does the hashing; this is only the one call the chain needs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace riposte {

std::string Sha256Hex(std::string_view bytes);
// Lower-case hexadecimal of `size` bytes.
std::string HexOf(const unsigned char* bytes, size_t size);

// The previous-hash of the first record of a chain.
inline constexpr std::string_view kChainOrigin =
    "0000000000000000000000000000000000000000000000000000000000000000";

}  // namespace riposte
