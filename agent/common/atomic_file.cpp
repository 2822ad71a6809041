#include "common/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/unique_fd.h"

namespace riposte {

Status WriteFileAtomically(const std::string& path, const std::string& text, int mode) {
  const std::string tmp = path + ".tmp";
  {
    UniqueFd fd(open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
    if (!fd.valid()) return Error{tmp + ": " + strerror(errno)};
    for (size_t done = 0; done < text.size();) {
      ssize_t n = write(fd.get(), text.data() + done, text.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Error{tmp + ": " + strerror(errno)};
      }
      done += static_cast<size_t>(n);
    }
    if (fsync(fd.get()) != 0) return Error{tmp + ": fsync: " + strerror(errno)};
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) return Error{path + ": " + strerror(errno)};
  return Status::Ok();
}

}  // namespace riposte
