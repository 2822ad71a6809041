// A TLS server context (OpenSSL): the server's certificate chain and key, and, for
// mutual TLS, the CA whose certificates clients must present (a client without one, or
// with one from another CA, fails the handshake). TLS 1.2 at least.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace riposte {

struct TlsServerOptions {
  std::string cert_file;       // PEM chain
  std::string key_file;        // PEM
  std::string client_ca_file;  // PEM; empty: clients are not asked for a certificate
};

class TlsServerContext {
 public:
  static Result<std::shared_ptr<TlsServerContext>> Create(const TlsServerOptions& options);
  ~TlsServerContext();
  TlsServerContext(const TlsServerContext&) = delete;
  TlsServerContext& operator=(const TlsServerContext&) = delete;
  SSL_CTX* get() const { return ctx_; }
  bool verifies_clients() const { return verify_clients_; }

 private:
  TlsServerContext(SSL_CTX* ctx, bool verify) : ctx_(ctx), verify_clients_(verify) {}
  SSL_CTX* ctx_;
  bool verify_clients_;
};

}  // namespace riposte
