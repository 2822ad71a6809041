// libnftables, the library behind the `nft` command: one context per use, in whatever
// network namespace the calling thread is in. Errors carry nft's own message.
#pragma once

#include <string>

#include "common/result.h"

struct nft_ctx;

namespace riposte {

class Nftables {
 public:
  Nftables();
  ~Nftables();
  Nftables(const Nftables&) = delete;
  Nftables& operator=(const Nftables&) = delete;

  // Runs a script (one transaction); its output (for list commands).
  Result<std::string> Run(const std::string& script);

 private:
  nft_ctx* ctx_;
};

}  // namespace riposte
