#include "intake/sender_auth.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "common/safe_file.h"

namespace riposte {
namespace {

std::string Sha256Raw(std::string_view text) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

// The token id whose token is `presented`, or "". Every token is compared, each in
// constant time over equal-length digests: neither the answer's time nor its path
// depends on how much of a token was right.
std::string MatchToken(std::string_view presented, const std::vector<BearerToken>& tokens) {
  const std::string digest = Sha256Raw(presented);
  std::string found;
  for (const auto& t : tokens)
    if (CRYPTO_memcmp(digest.data(), t.sha256.data(), digest.size()) == 0) found = t.id;
  return found;
}

std::string BearerOf(const HttpRequest& req) {
  const std::string h = req.Header("authorization");
  if (h.size() < 7) return "";
  std::string scheme = h.substr(0, 7);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), ::tolower);
  if (scheme != "bearer ") return "";
  size_t start = h.find_first_not_of(' ', 7);
  return start == std::string::npos ? "" : h.substr(start);
}

}  // namespace

Result<std::vector<BearerToken>> LoadTokenFile(const std::string& path) {
  auto fd = OpenFileForReading(path);
  if (!fd) return Error{"token file: " + fd.error().message};
  struct stat st {};
  fstat(fd->get(), &st);
  if (st.st_uid != 0 && st.st_uid != geteuid())
    return Error{"token file " + path + " belongs to uid " + std::to_string(st.st_uid) + ": refused"};
  if (st.st_mode & 077) return Error{"token file " + path + " can be read by other users: chmod 600 it"};
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(fd->get(), buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  std::vector<BearerToken> out;
  std::istringstream in(text);
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string x; words >> x;) w.push_back(x);
    if (w.empty()) continue;
    if (w.size() > 2) return Error{path + ":" + std::to_string(line_no) + ":1: expected 'ID TOKEN' or 'TOKEN'"};
    const std::string& token = w.back();
    if (token.size() < 16)
      return Error{path + ":" + std::to_string(line_no) + ":1: a token must be at least 16 characters"};
    out.push_back({w.size() == 2 ? w[0] : "line-" + std::to_string(line_no), Sha256Raw(token)});
  }
  if (out.empty()) return Error{"token file " + path + " holds no token"};
  return out;
}

Result<Sender> Authenticate(const HttpRequest& req, const SenderPolicy& policy, AuthFailure* failure) {
  const HttpPeer& p = req.peer;
  Sender s;
  s.identity["transport"] = std::string(TransportName(p.transport));
  auto refuse = [&](int status, std::string reason) -> Result<Sender> {
    *failure = {status, reason};
    return Error{reason};
  };
  switch (p.transport) {
    case HttpPeer::Transport::kUnix:
      if (std::find(policy.socket_uids.begin(), policy.socket_uids.end(), p.uid) == policy.socket_uids.end())
        return refuse(403, "uid " + std::to_string(p.uid) + " may not send alerts (respond.socket_uids)");
      s.identity["uid"] = p.uid;
      s.identity["gid"] = p.gid;
      s.identity["pid"] = p.pid;
      s.key = "uid:" + std::to_string(p.uid);
      return s;
    case HttpPeer::Transport::kTls:
      if (p.tls_subject.empty()) return refuse(401, "no client certificate");
      s.identity["address"] = p.address;
      s.identity["subject"] = p.tls_subject;
      s.key = "tls:" + p.tls_subject;
      if (policy.tokens.empty()) return s;
      [[fallthrough]];
    case HttpPeer::Transport::kTcp: {
      const std::string token = BearerOf(req);
      if (token.empty()) return refuse(401, "no bearer token (Authorization: Bearer ...)");
      const std::string id = MatchToken(token, policy.tokens);
      if (id.empty()) return refuse(401, "wrong bearer token");
      s.identity["address"] = p.address;
      s.identity["token"] = id;
      if (s.key.empty()) s.key = "token:" + id;
      return s;
    }
  }
  return refuse(403, "unknown transport");
}

}  // namespace riposte
