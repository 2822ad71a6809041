// Who may make `riposte respond` act. Every alert is authenticated by its connection
// before it is read: a unix-socket peer by its kernel credentials (SO_PEERCRED) against
// the allowed uids, a TLS peer by a client certificate the configured CA signed (checked
// in the handshake), a plain TCP peer only by a bearer token from the token file
// (compared in constant time). The result names the sender for the audit trail.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "http/http_message.h"

namespace riposte {

struct BearerToken {
  std::string id;                // named in the audit trail (never the token itself)
  std::string sha256;            // of the token, raw bytes
};

// Reads a token file: one token a line, "ID TOKEN" or just "TOKEN" (its id is then
// "line-N"); '#' starts a comment. Refused when another user could read or replace it
// (group or world bits, not owned by root or riposte's user) or a token is shorter than
// 16 characters.
Result<std::vector<BearerToken>> LoadTokenFile(const std::string& path);

struct SenderPolicy {
  std::vector<uid_t> socket_uids = {0};  // unix peers allowed
  std::vector<BearerToken> tokens;        // TCP peers (and TLS peers, when non-empty, need one too)
};

struct Sender {
  nlohmann::ordered_json identity;  // for the audit record
  std::string key;                  // what per-sender limits count by
};

struct AuthFailure {
  int status;           // 401 or 403
  std::string reason;   // for the log and the response
};

// The sender of `request`, or why it is refused.
Result<Sender> Authenticate(const HttpRequest& request, const SenderPolicy& policy, AuthFailure* failure);

}  // namespace riposte
