#include "responders/evidence_file.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/file_identity.h"
#include "common/unique_fd.h"
#include "evidence/evidence_files.h"
#include "responders/alert_process.h"
#include "responders/step_params.h"
#include "state/proc_files.h"

namespace riposte {
namespace {

constexpr uint64_t kDefaultMaxBytes = 256ull << 20;
constexpr uint64_t kMaxMaxBytes = 4ull << 30;

// `path` as the process sees it: resolved inside its own root (/proc/PID/root), every
// symbolic link in it too, so a link the container planted (/tmp/x -> /etc) can never lead
// out to the node's files; the last component is never followed.
int OpenInProcessRoot(const std::string& proc_dir, const std::string& path) {
  UniqueFd root(open((proc_dir + "/root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) return -1;
  open_how how{};
  how.flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(syscall(SYS_openat2, root.get(), path.c_str(), &how, sizeof(how)));
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

EvidenceFileResponder::EvidenceFileResponder(std::string evidence_dir, std::string proc_root)
    : ProcEvidenceResponder(std::move(evidence_dir), std::move(proc_root)) {}

Status EvidenceFileResponder::ValidateParams(const nlohmann::json& params) const {
  if (auto it = params.find("field"); it != params.end() && (!it->is_string() || it->get<std::string>().empty()))
    return Error{"field must name an alert field holding a path (fd.name, proc.exepath...), not " + it->dump()};
  if (auto it = params.find("quarantine"); it != params.end() && !it->is_boolean())
    return Error{"quarantine must be true or false, not " + it->dump()};
  return CheckBytes(params, "max_bytes", kMaxMaxBytes);
}

ActionResult EvidenceFileResponder::Run(const ActionRequest& req) {
  ActionResult r;
  const uint32_t pid = req.alert.target.pid;
  auto process = FindAlertProcess(req.alert, scanner_);
  if (!process) return AlertProcessMissing(process.error());
  r.details["pid"] = pid;
  const std::string proc = proc_root_ + "/" + std::to_string(pid);
  std::string source, original;
  if (auto field = req.params.find("field"); field != req.params.end()) {
    const std::string name = field->get<std::string>();
    auto value = req.alert.Field(name);
    if (!value || value->empty() || (*value)[0] != '/')
      return {Outcome::kFailed, "the alert's " + name + " is not an absolute path" + (value ? ": '" + *value + "'" : ""),
              r.details};
    original = *value;
    r.details["field"] = name;
  } else {
    source = proc + "/exe";
    original = ReadProcLink(source);
    if (original.empty()) original = req.alert.target.exepath;
  }
  r.details["original"] = original;
  // Opened once; everything after (the copy, the quarantine) acts on this fd.
  UniqueFd fd(source.empty() ? OpenInProcessRoot(proc, original) : open(source.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) return {errno == ENOENT ? Outcome::kTargetGone : Outcome::kFailed,
                           original + ": " + std::strerror(errno), r.details};
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return {Outcome::kFailed, original + " is not a regular file", r.details};
  const uint64_t max = BytesParam(req.params, "max_bytes", kDefaultMaxBytes);
  r.details["size_original"] = static_cast<uint64_t>(st.st_size);
  r.details["mode_original"] = st.st_mode & 07777;
  if (static_cast<uint64_t>(st.st_size) > max)
    return {Outcome::kFailed, original + " is larger than max_bytes (" + std::to_string(max) + ")", r.details};
  const bool quarantine = req.params.value("quarantine", false);
  const std::string path = EvidencePath(evidence_dir_, req.alert.id,
                                        "file-" + std::to_string(pid) + "-" + std::string(req.step) + "-" + BaseName(original));
  r.details["path"] = path;
  if (quarantine) {
    // Never a protected binary (a runtime or agent the node needs): quarantine is for what
    // an attacker dropped.
    const FileIdentity id{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
    for (const FileIdentity& p : req.protection.executables().Identities())
      if (p == id) return {Outcome::kSkippedProtected, original + " is a protected executable: not quarantined", r.details};
    r.details["quarantine"] = "clear the original's execute bits";
  }
  if (req.dry_run) {
    r.outcome = Outcome::kWouldHave;
    return r;
  }
  auto digest = CopyEvidenceFile(fd.get(), path, max);
  if (!digest) return {Outcome::kFailed, digest.error().message, r.details};
  r.details["sha256"] = digest->sha256;
  r.details["size"] = digest->size;
  if (quarantine) {
    // The fd names the very file copied; a rename meanwhile does not redirect the chmod.
    if (fchmod(fd.get(), st.st_mode & 07666) != 0) {
      r.details["quarantined"] = false;
      return {Outcome::kFailed, original + ": chmod: " + std::strerror(errno) + " (the copy was kept)", r.details};
    }
    r.details["quarantined"] = true;
  }
  r.outcome = Outcome::kDone;
  return r;
}

}  // namespace riposte
