#include "quarantine/nftables.h"

#include <nftables/libnftables.h>

namespace riposte {

Nftables::Nftables() : ctx_(nft_ctx_new(NFT_CTX_DEFAULT)) {
  if (ctx_) {
    nft_ctx_buffer_output(ctx_);
    nft_ctx_buffer_error(ctx_);
  }
}

Nftables::~Nftables() {
  if (ctx_) nft_ctx_free(ctx_);
}

Result<std::string> Nftables::Run(const std::string& script) {
  if (!ctx_) return Error{"libnftables: cannot create a context"};
  int rc = nft_run_cmd_from_buffer(ctx_, script.c_str());
  std::string output = nft_ctx_get_output_buffer(ctx_);
  std::string error = nft_ctx_get_error_buffer(ctx_);
  if (rc != 0) {
    while (!error.empty() && (error.back() == '\n' || error.back() == ' ')) error.pop_back();
    return Error{"nftables: " + (error.empty() ? std::string("command failed") : error)};
  }
  return output;
}

}  // namespace riposte
