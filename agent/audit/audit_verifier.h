// `riposte audit verify`: walks one chain through the files given (oldest first) and
// reports the first place where it breaks: a record altered, removed, inserted or
// reordered, a file cut mid-record, or a log shorter than its head file says. With the
// verification key (audit_seal.h) it also checks every seal: a MAC that does not verify
// (the sealed records were rewritten, even with the chain recomputed), a record under the
// seal of an epoch it is not in (backdated or moved), records of an earlier epoch left
// without their seal (seals removed); it reports where the sealed part ends.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "audit/audit_seal.h"

namespace riposte {

struct AuditVerification {
  bool ok = true;
  std::string first_break;          // "FILE:LINE: what is wrong", empty when ok
  std::vector<std::string> notes;   // facts that are not breaks (chain start unseen, head lag)
  uint64_t records = 0;
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
  // Records by kind (audit_records.h's names; "unknown" for a kind riposte does not write).
  std::map<std::string, uint64_t> per_kind;
  // With a key: seals checked, and the last record the last good seal covers (0: none).
  uint64_t seals = 0;
  uint64_t sealed_through_seq = 0;
  int64_t last_sealed_epoch = -1;
};

// `key` null: the chain only (seal records are counted, not checked).
AuditVerification VerifyAuditChain(const std::vector<std::string>& files, const SealVerificationKey* key = nullptr);

}  // namespace riposte
