// The record of every quarantine in force on this node, on disk, so a quarantine
// outlives the agent that set it: after a restart the agent (and `riposte quarantine
// list`) still know which namespaces are cut off, why, and how to release them. One JSON
// file, replaced atomically (write, fsync, rename) on every change; the nftables table in
// the namespace is the quarantine itself, this file is its record.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace riposte {

struct QuarantineRecord {
  uint64_t netns_inode = 0;  // the quarantined network namespace (a pod's is shared by its containers)
  pid_t pid = 0;             // a process in it when quarantined (a hint for finding it again)
  std::string container_id;
  std::string container_name;
  std::string runtime_namespace;  // containerd namespace
  std::string pod;                // "namespace/name", "" outside Kubernetes
  nlohmann::json allow = nlohmann::json::array();
  std::string since;     // RFC 3339
  std::string policy;    // who set it: a policy name or "manual"
  std::string alert_id;
  std::string id() const { return "netns:" + std::to_string(netns_inode); }
};
// The record's JSON form on disk; absent keys keep the defaults above.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(QuarantineRecord, netns_inode, pid, container_id, container_name,
                                                runtime_namespace, pod, allow, since, policy, alert_id)

class QuarantineStore {
 public:
  explicit QuarantineStore(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }

  // Every record; an unreadable file is an error naming it (never silently empty, which
  // would orphan quarantines).
  Result<std::vector<QuarantineRecord>> Load() const;
  // Adds or replaces the record for its namespace.
  Status Put(const QuarantineRecord& record);
  Status Remove(uint64_t netns_inode);

 private:
  Status Save(const std::vector<QuarantineRecord>& records) const;
  std::string path_;
  mutable std::mutex mu_;  // one change at a time within the process
};

}  // namespace riposte
