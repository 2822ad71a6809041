#include "responders/protected_executables.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <fstream>

namespace riposte {
namespace {

std::deque<std::string> Components(const std::string& path) {
  std::deque<std::string> out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::optional<FileIdentity> IdentityOf(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return FileIdentity{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
}

// The real uid, from the first field of status' "Uid:" line (/proc/PID's owner is the
// effective uid, and root for a process that made itself non-dumpable).
std::optional<uint32_t> RealUid(const std::string& status_path) {
  std::ifstream in(status_path);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("Uid:")) return static_cast<uint32_t>(std::strtoul(line.c_str() + 4, nullptr, 10));
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ResolveUnderRoot(const std::string& root, const std::string& path) {
  std::deque<std::string> todo = Components(path);
  std::vector<std::string> done;
  int links = 0;
  while (!todo.empty()) {
    std::string c = std::move(todo.front());
    todo.pop_front();
    if (c == ".") continue;
    if (c == "..") {
      if (!done.empty()) done.pop_back();
      continue;
    }
    std::string here = root;
    for (const auto& d : done) here += "/" + d;
    here += "/" + c;
    struct stat st {};
    if (lstat(here.c_str(), &st) != 0) return std::nullopt;
    if (!S_ISLNK(st.st_mode)) {
      done.push_back(std::move(c));
      continue;
    }
    if (++links > 40) return std::nullopt;  // as the kernel's ELOOP bound
    char target[4096];
    ssize_t n = readlink(here.c_str(), target, sizeof target - 1);
    if (n <= 0) return std::nullopt;
    const std::string t(target, static_cast<size_t>(n));
    if (t.front() == '/') done.clear();
    auto parts = Components(t);
    todo.insert(todo.begin(), parts.begin(), parts.end());
  }
  std::string out;
  for (const auto& d : done) out += "/" + d;
  return out.empty() ? "/" : out;
}

ProtectedExecutables::ProtectedExecutables(std::vector<std::string> paths, std::string proc_root)
    : configured_(std::move(paths)), proc_root_(std::move(proc_root)), host_(HostView::Probe(proc_root_)) {
  at_start_ = Resolve(&missing_);
}

std::vector<ProtectedExecutables::Binary> ProtectedExecutables::Resolve(std::vector<std::string>* missing) const {
  std::vector<Binary> out;
  const std::string& host_root = host_.root;
  for (const auto& p : configured_) {
    auto resolved = ResolveUnderRoot(host_root, p);
    auto id = resolved ? IdentityOf(host_root + *resolved) : std::nullopt;
    if (id) out.push_back({*resolved, *id});
    else if (missing) missing->push_back(p);
  }
  return out;
}

std::vector<FileIdentity> ProtectedExecutables::Identities() const {
  std::vector<FileIdentity> out;
  for (const auto& b : at_start_)
    if (std::find(out.begin(), out.end(), b.identity) == out.end()) out.push_back(b.identity);
  return out;
}

std::optional<std::string> ProtectedExecutables::Match(uint32_t pid) const {
  if (configured_.empty()) return std::nullopt;
  const std::string dir = proc_root_ + "/" + std::to_string(pid);
  // The cheap tests first: most processes an action resolves (a container's) fail them,
  // and never cost the binaries' re-resolution below.
  auto mine = NamespaceInode(dir + "/ns/mnt");
  if (!mine || *mine != host_.mntns) return std::nullopt;
  auto my_pidns = NamespaceInode(dir + "/ns/pid");
  if (!my_pidns || *my_pidns != host_.pidns) return std::nullopt;
  auto uid = RealUid(dir + "/status");
  if (!uid || *uid != 0) return std::nullopt;
  auto exe = IdentityOf(dir + "/exe");
  if (!exe) return std::nullopt;  // a kernel thread, or gone
  auto matches = [&](const std::vector<Binary>& set) -> const Binary* {
    for (const auto& b : set)
      if (b.identity == *exe) return &b;
    return nullptr;
  };
  const Binary* binary = matches(at_start_);
  std::vector<Binary> now;
  if (!binary) {
    now = Resolve(nullptr);
    binary = matches(now);
  }
  if (!binary) return std::nullopt;
  char link[4096];
  ssize_t n = readlink((dir + "/exe").c_str(), link, sizeof link - 1);
  if (n <= 0) return std::nullopt;
  std::string path(link, static_cast<size_t>(n));
  if (path.ends_with(" (deleted)")) path.resize(path.size() - 10);  // replaced since it started
  if (path != binary->path) return std::nullopt;
  return "the node's own " + binary->path + " (by executable identity) is protected";
}

}  // namespace riposte
