// What was collected, per alert, read from the audit trail (the trail is the index: no
// second catalogue to keep in step) and checked against the files on disk: each evidence
// step's result record names its file and the file's SHA-256; a capture's file is named by
// its step and hashed in the `evidence` record written when it closed. A file whose hash
// no longer matches, or that is gone, is reported, never glossed over.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace riposte {

enum class EvidenceCheck {
  kIntact,    // the file's SHA-256 is the recorded one
  kAltered,   // it is not
  kMissing,   // no file at the path
  kPending,   // a capture not closed yet (no evidence record)
  kFailed,    // the step or the file's writing failed: nothing to check
};
std::string_view EvidenceCheckName(EvidenceCheck c);

struct EvidenceItem {
  std::string action;  // capture, evidence.process, evidence.file, evidence.container
  std::string policy, step;
  std::string path;
  std::string sha256;  // recorded
  uint64_t size = 0;
  uint64_t seq = 0;    // the audit record that names the hash (the step's, or the evidence record)
  std::string time;    // that record's time
  nlohmann::ordered_json details;  // what the record says besides (events, scope, pid...)
  EvidenceCheck check = EvidenceCheck::kPending;
  std::string error;
};

struct AlertEvidence {
  std::string alert_id, rule, time;
  std::vector<EvidenceItem> items;
  std::vector<nlohmann::json> records;  // every audit record of the alert, in order
};

// Every alert of the trail (files oldest first) that has evidence, by alert id, each file
// checked.
Result<std::map<std::string, AlertEvidence>> IndexEvidence(const std::vector<std::string>& files);

// Writes a tar archive at `out` (created exclusively, 0600): manifest.json (the alert, each
// item with its recorded and checked hash and audit seq, the trail's verification), the
// alert's audit records (records.jsonl), and each intact or altered file under files/.
struct EvidenceExport {
  uint64_t files = 0;
  uint64_t bytes = 0;
  bool all_intact = true;
};
Result<EvidenceExport> ExportEvidence(const AlertEvidence& alert, const nlohmann::ordered_json& trail_check,
                                      const std::string& out);

}  // namespace riposte
