#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "common/safe_file.h"
#include "common/unique_fd.h"

namespace riposte {

Status WriteFileAtomically(const std::string& path, const std::string& text, int mode) {
  std::filesystem::path p(path);
  const std::string dir = p.parent_path().empty() ? "." : p.parent_path().string();
  const std::string name = p.filename().string();
  if (Status s = MakePrivateDirectories(dir); !s) return s;
  auto dirfd = OpenSafeDirectory(dir);
  if (!dirfd) return dirfd.error();
  std::random_device rd;
  const std::string tmp = "." + name + ".tmp." + std::to_string(getpid()) + "." + std::to_string(rd());
  UniqueFd fd(openat(dirfd->get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
  if (!fd.valid()) return Error{dir + "/" + tmp + ": " + strerror(errno)};
  auto fail = [&](const std::string& what) {
    const std::string message = dir + "/" + tmp + ": " + what + ": " + strerror(errno);
    unlinkat(dirfd->get(), tmp.c_str(), 0);
    return Error{message};
  };
  if (!WriteFully(fd.get(), text)) return fail("write");
  if (fchmod(fd.get(), static_cast<mode_t>(mode)) != 0) return fail("chmod");
  if (fsync(fd.get()) != 0) return fail("fsync");
  // renameat replaces whatever PATH is (a planted symlink included) without following it.
  if (renameat(dirfd->get(), tmp.c_str(), dirfd->get(), name.c_str()) != 0) return fail("rename to " + path);
  (void)fsync(dirfd->get());
  return Status::Ok();
}

}  // namespace riposte
