// SHA-256 of a byte string, as lowercase hex: the link of the audit log's hash chain.
// OpenSSL's libcrypto does the hashing; this is only the one call the chain needs.
#pragma once

#include <string>
#include <string_view>

namespace riposte {

std::string Sha256Hex(std::string_view bytes);

// The previous-hash of the first record of a chain.
inline constexpr std::string_view kChainOrigin =
    "0000000000000000000000000000000000000000000000000000000000000000";

}  // namespace riposte
