// A libseccomp filter built from an OCI seccomp profile: loaded into the calling process
// (for `riposte exec`), or exported as libseccomp's own text (PFC) so a saved profile can
// be checked against what the library makes of it.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace riposte {

class SeccompFilter {
 public:
  // An error names the rule and what libseccomp refused.
  static Result<SeccompFilter> FromProfile(const nlohmann::json& profile);
  ~SeccompFilter();
  SeccompFilter(SeccompFilter&& other) noexcept;
  SeccompFilter& operator=(SeccompFilter&&) = delete;
  SeccompFilter(const SeccompFilter&) = delete;

  // Sends these syscalls to a supervisor (SCMP_ACT_NOTIFY) instead of deciding here;
  // names the profile already denies, or this machine lacks, are left alone.
  Status AddNotify(const std::vector<std::string>& names);
  // Installs it in this process (no_new_privs set first, as unprivileged use requires).
  Status Load();
  // After Load with notify rules: the listener fd the supervisor reads (owned by the filter).
  int NotifyFd() const;
  // libseccomp's pseudo-filter-code rendering.
  Result<std::string> ExportPfc() const;

 private:
  explicit SeccompFilter(void* ctx) : ctx_(ctx) {}
  void* ctx_;  // scmp_filter_ctx
};

}  // namespace riposte
