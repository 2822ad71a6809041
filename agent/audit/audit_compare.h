// `riposte audit compare NODE... --copy COPY...`: the node's trail beside a copy shipped
// off the node (audit.ship). Sealing cannot see the end of a trail cut away, or a trail
// deleted and started again; the collector's copy can. Each side is read through its
// chain; then, record by record (by seq): a record both hold must be the same bytes, and
// records the copy holds past the node's end were cut from the node (or written after the
// copy was taken: the copy's last record says which). Records the copy lacks past its own
// end are the shipping lag, not a fault.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace riposte {

struct AuditComparison {
  bool ok = true;
  std::string finding;              // the first difference, empty when ok
  uint64_t node_last = 0, copy_last = 0;
  uint64_t compared = 0;            // seqs both hold
  uint64_t only_in_copy = 0;        // past the node's end: cut from the node
  uint64_t not_shipped_yet = 0;     // past the copy's end
  std::vector<std::string> notes;
};

AuditComparison CompareAuditTrails(const std::vector<std::string>& node_files, const std::vector<std::string>& copy_files);

}  // namespace riposte
