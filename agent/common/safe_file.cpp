#include "common/safe_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace riposte {
namespace {

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

std::pair<std::string, std::string> Split(const std::string& path) {
  std::filesystem::path p(path);
  std::string dir = p.parent_path().string();
  return {dir.empty() ? "." : dir, p.filename().string()};
}

}  // namespace

Status MakeDirectories(const std::string& dir, mode_t mode) {
  if (dir.empty()) return Status::Ok();
  std::string so_far;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    so_far = dir.substr(0, pos);
    if (so_far.empty()) continue;
    if (mkdir(so_far.c_str(), mode) != 0 && errno != EEXIST) return Error{Errno("cannot create directory " + so_far)};
  }
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0) return Error{Errno(dir)};
  if (!S_ISDIR(st.st_mode)) return Error{dir + " is not a directory"};
  return Status::Ok();
}

Result<UniqueFd> OpenSafeDirectory(const std::string& dir) {
  UniqueFd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return Error{Errno(dir)};
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return Error{Errno(dir)};
  const uid_t me = geteuid();
  if (st.st_uid != 0 && st.st_uid != me)
    return Error{dir + " belongs to uid " + std::to_string(st.st_uid) +
                 ": riposte writes only in directories owned by root or by itself"};
  const bool sticky = (st.st_mode & S_ISVTX) != 0;
  const bool others_write = (st.st_mode & S_IWOTH) != 0 || ((st.st_mode & S_IWGRP) != 0 && st.st_gid != 0);
  if (others_write && !sticky)
    return Error{dir + " is writable by other users (mode " + std::to_string((st.st_mode >> 6) & 7) +
                 std::to_string((st.st_mode >> 3) & 7) + std::to_string(st.st_mode & 7) +
                 "): refused, anyone could replace riposte's files there; choose a directory only root can write"};
  return fd;
}

Result<UniqueFd> OpenFileForWriting(const std::string& path, WriteMode mode, mode_t perm, bool create_dirs,
                                    bool accept_devices) {
  auto [dir, name] = Split(path);
  if (name.empty() || name == "." || name == "..") return Error{path + ": not a file name"};
  if (create_dirs)
    if (Status s = MakePrivateDirectories(dir); !s) return s.error();
  auto dirfd = OpenSafeDirectory(dir);
  if (!dirfd) return dirfd.error();
  int flags = O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
  flags |= mode == WriteMode::kUpdate ? O_RDWR : O_WRONLY;
  if (mode == WriteMode::kAppend) flags |= O_APPEND;
  if (mode == WriteMode::kCreateNew) flags |= O_EXCL;
  UniqueFd fd(openat(dirfd->get(), name.c_str(), flags, perm));
  if (!fd.valid()) {
    if (errno == ELOOP) return Error{path + " is a symbolic link: refused (riposte never writes through a link)"};
    if (errno == EEXIST) return Error{path + " exists already: refused (riposte never replaces evidence)"};
    return Error{Errno(path)};
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return Error{Errno(path)};
  if (accept_devices && S_ISCHR(st.st_mode)) {
    const int fl = fcntl(fd.get(), F_GETFL);
    if (fl >= 0) (void)fcntl(fd.get(), F_SETFL, fl & ~O_NONBLOCK);
    return fd;
  }
  if (!S_ISREG(st.st_mode)) return Error{path + " is not a regular file: refused"};
  if (st.st_uid != geteuid())
    return Error{path + " belongs to uid " + std::to_string(st.st_uid) + ", not to riposte: refused"};
  if (st.st_nlink != 1) return Error{path + " has " + std::to_string(st.st_nlink) + " hard links: refused"};
  const int fl = fcntl(fd.get(), F_GETFL);
  if (fl < 0 || fcntl(fd.get(), F_SETFL, fl & ~O_NONBLOCK) != 0) return Error{Errno(path + ": fcntl")};
  if (mode == WriteMode::kTruncate && ftruncate(fd.get(), 0) != 0) return Error{Errno(path + ": truncate")};
  if ((st.st_mode & 07777) != perm && fchmod(fd.get(), perm) != 0) return Error{Errno(path + ": chmod")};
  return fd;
}

bool WriteFully(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

Result<UniqueFd> OpenFileForReading(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ELOOP) return Error{path + " is a symbolic link: refused"};
    return Error{Errno(path)};
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return Error{Errno(path)};
  if (!S_ISREG(st.st_mode)) return Error{path + " is not a regular file"};
  const int fl = fcntl(fd.get(), F_GETFL);
  if (fl >= 0) (void)fcntl(fd.get(), F_SETFL, fl & ~O_NONBLOCK);
  return fd;
}

}  // namespace riposte
