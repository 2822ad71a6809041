#include "http/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace riposte {
namespace {

std::string OpenSslError(const std::string& what) {
  unsigned long e = ERR_get_error();
  char buf[256] = {};
  if (e) ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return what + (e ? std::string(": ") + buf : "");
}

}  // namespace

Result<std::shared_ptr<TlsServerContext>> TlsServerContext::Create(const TlsServerOptions& o) {
  if (o.cert_file.empty() || o.key_file.empty()) return Error{"TLS needs a certificate and a key file"};
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) return Error{OpenSslError("SSL_CTX_new")};
  std::shared_ptr<TlsServerContext> out(new TlsServerContext(ctx, !o.client_ca_file.empty()));
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(ctx, o.cert_file.c_str()) != 1)
    return Error{OpenSslError("TLS certificate " + o.cert_file)};
  if (SSL_CTX_use_PrivateKey_file(ctx, o.key_file.c_str(), SSL_FILETYPE_PEM) != 1)
    return Error{OpenSslError("TLS key " + o.key_file)};
  if (SSL_CTX_check_private_key(ctx) != 1) return Error{OpenSslError("TLS key does not match the certificate")};
  if (!o.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, o.client_ca_file.c_str(), nullptr) != 1)
      return Error{OpenSslError("TLS client CA " + o.client_ca_file)};
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  return out;
}

TlsServerContext::~TlsServerContext() { SSL_CTX_free(ctx_); }

}  // namespace riposte
