#include "evidence/rootfs_diff.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "audit/sha256.h"
#include "common/unique_fd.h"
#include "common/wall_time.h"
#include "common/whole_file.h"

namespace riposte {
namespace {

using Json = nlohmann::ordered_json;

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct Walk {
  const RootfsDiffLimits& limits;
  Json entries = Json::array();
  bool truncated = false;

  void Dir(int dirfd, const std::string& rel) {
    DIR* d = fdopendir(dirfd);
    if (!d) {
      close(dirfd);
      return;
    }
    std::vector<std::string> names;
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(std::move(n));
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      if (entries.size() >= limits.max_entries) {
        truncated = true;
        break;
      }
      struct stat st {};
      if (fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      const std::string path = rel + "/" + name;
      Json e{{"path", path}, {"mode", st.st_mode & 07777}, {"uid", st.st_uid}, {"gid", st.st_gid},
             {"mtime", FormatRfc3339(int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec)}};
      if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
        e["type"] = "whiteout";  // the image's file of this name was deleted
      } else if (S_ISDIR(st.st_mode)) {
        e["type"] = "directory";
      } else if (S_ISLNK(st.st_mode)) {
        e["type"] = "symlink";
        char target[4096];
        const ssize_t n = readlinkat(dirfd, name.c_str(), target, sizeof(target));
        if (n >= 0) e["target"] = std::string(target, static_cast<size_t>(n));
      } else if (S_ISREG(st.st_mode)) {
        e["type"] = "file";
        e["size"] = static_cast<uint64_t>(st.st_size);
        if (static_cast<uint64_t>(st.st_size) <= limits.max_hash_bytes) {
          UniqueFd f(openat(dirfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
          if (f.valid())
            if (auto digest = DigestFile(f.get())) e["sha256"] = digest->sha256;
        }
        if (st.st_mode & 0111) e["executable"] = true;
      } else {
        e["type"] = "other";
      }
      const bool descend = S_ISDIR(st.st_mode);
      entries.push_back(std::move(e));
      if (descend) {
        int sub = openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub >= 0) Dir(sub, path);
      }
    }
    closedir(d);
  }
};

}  // namespace

std::string UpperDirOfRoot(const std::string& mountinfo) {
  std::istringstream in(mountinfo);
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    std::string id, parent, devno, root, mount_point;
    f >> id >> parent >> devno >> root >> mount_point;
    if (mount_point != "/") continue;
    const size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream tail(line.substr(dash + 3));
    std::string fstype, source, options;
    tail >> fstype >> source >> options;
    if (fstype != "overlay") continue;
    std::istringstream opts(options);
    for (std::string o; std::getline(opts, o, ',');)
      if (o.rfind("upperdir=", 0) == 0) return Unescape(o.substr(9));
  }
  return "";
}

Result<Json> DescribeWritableLayer(uint32_t pid, const RootfsDiffLimits& limits, const std::string& proc_root) {
  const auto mountinfo = ReadWholeFile(proc_root + "/" + std::to_string(pid) + "/mountinfo");
  if (!mountinfo) return Error{"process " + std::to_string(pid) + " is gone"};
  const std::string upper = UpperDirOfRoot(*mountinfo);
  if (upper.empty()) return Error{"the container's root is not an overlay with a writable layer"};
  int fd = open(upper.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  // The agent in a container of its own (the DaemonSet) sees the host's paths through
  // the host's init (hostPID).
  if (fd < 0 && errno == ENOENT)
    fd = open((proc_root + "/1/root" + upper).c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Error{upper + ": " + std::strerror(errno)};
  Walk walk{limits};
  walk.Dir(fd, "");
  Json out{{"upperdir", upper}, {"entries", std::move(walk.entries)}};
  if (walk.truncated) out["truncated"] = true;
  return out;
}

}  // namespace riposte
