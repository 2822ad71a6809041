// Where evidence is written and how: one directory per alert under the evidence directory
// (0700), each file created exclusively (0600, never through a link, never replacing a
// file already there), fsync'd, and hashed once it is on disk, so the hash an audit record
// carries is the hash of what an investigator will read.
#pragma once

#include <string>
#include <string_view>

#include "audit/sha256.h"
#include "common/result.h"

namespace riposte {

// A name safe as one path component: letters, digits, '.', '_' and '-' kept, anything
// else '_', never starting with '.', at most 120 characters.
std::string EvidenceName(std::string_view text);
// `base`/<the alert id as a safe name>.
std::string EvidenceDirOf(const std::string& base, std::string_view alert_id);
// A file of that directory: `name` made a safe name, then `extension` (".json").
std::string EvidencePath(const std::string& base, std::string_view alert_id, std::string_view name,
                         std::string_view extension = "");

// Writes `content` to `path` (its directory made 0700 when missing), syncs, and hashes it.
Result<FileDigest> WriteEvidenceFile(const std::string& path, std::string_view content);
// Copies what `source_fd` holds (from its start, at most `max_bytes`: more is an error) to
// `path` the same way.
Result<FileDigest> CopyEvidenceFile(int source_fd, const std::string& path, uint64_t max_bytes);

}  // namespace riposte
