// `riposte audit verify`: walks one chain through the files given (oldest first) and
// reports the first place where it breaks: a record altered, removed, inserted or
// reordered, a file cut mid-record, or a log shorter than its head file says.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

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
};

AuditVerification VerifyAuditChain(const std::vector<std::string>& files);

}  // namespace riposte
