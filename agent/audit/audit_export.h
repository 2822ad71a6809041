// `riposte audit export`: what an auditor attaches to a compliance report. The records of
// a period, exactly as written (one JSON line each, so the chain can be checked again),
// with the seal records among them, and a summary: the files read, the period, the seq
// range, the records by kind, the verification of the whole trail (chain and, with the
// key, the seals), and the SHA-256 of the records file. With the verification key the
// summary carries an HMAC under a key derived from it ("export"), so whoever holds the key
// can tell the summary and the records it names are the ones exported.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/audit_seal.h"
#include "common/result.h"

namespace riposte {

struct AuditExportRequest {
  std::vector<std::string> files;  // oldest first, as for verify
  std::optional<int64_t> from_ns, to_ns;  // the period (record times); none: all
  const SealVerificationKey* key = nullptr;
  std::string out_dir;  // created; must not exist
};

struct AuditExportResult {
  uint64_t records = 0;  // exported
  nlohmann::ordered_json summary;
};

Result<AuditExportResult> ExportAudit(const AuditExportRequest& request);

// Checks an export directory: the records file's hash, and the summary's MAC with `key`.
Status CheckAuditExport(const std::string& dir, const SealVerificationKey& key);

}  // namespace riposte
