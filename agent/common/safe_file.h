// Opening the files riposte writes, where another local user may have planted a symlink,
// a hard link, a FIFO or a file of their own. riposte runs as root: a write that follows
// a planted link overwrites a file of the attacker's choice.
//
// The rules every writer here follows:
//  - the directory is opened first and checked: owned by root or by riposte's user, and
//    not writable by other users unless it is sticky (like /tmp, where nobody may rename
//    or remove another user's file);
//  - the file is opened relative to that directory with O_NOFOLLOW (a symlink is refused)
//    and O_NONBLOCK (a planted FIFO cannot block the open), never with O_TRUNC (which would
//    truncate a planted hard link before it could be checked);
//  - what was opened must be a regular file owned by riposte's user with one link; then
//    it is truncated if asked, and its mode set.
// Directories riposte creates are 0700; files 0600 unless a caller says otherwise.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/result.h"
#include "common/unique_fd.h"

namespace riposte {

// Creates `dir` and any missing parent with `mode` (existing ones are left as they are).
Status MakeDirectories(const std::string& dir, mode_t mode);
// The same with mode 0700.
inline Status MakePrivateDirectories(const std::string& dir) { return MakeDirectories(dir, 0700); }

// The directory `dir`, opened and checked as above.
Result<UniqueFd> OpenSafeDirectory(const std::string& dir);

enum class WriteMode {
  kAppend,    // O_WRONLY | O_APPEND, created when missing
  kTruncate,  // O_WRONLY, created when missing, emptied
  kUpdate,    // O_RDWR, created when missing, content kept (lock and head files)
  kCreateNew, // O_WRONLY | O_EXCL: a file of that name already there is refused (evidence)
};

// Opens `path` for writing as described above. `create_dirs` makes missing parents 0700.
// `accept_devices`: a character device (/dev/null for alerts nobody reads) is accepted as
// it is — only root can make one, and it is neither truncated nor chmod'ed.
Result<UniqueFd> OpenFileForWriting(const std::string& path, WriteMode mode, mode_t perm = 0600,
                                    bool create_dirs = true, bool accept_devices = false);

// Writes all of `bytes` to `fd` (a short write or EINTR goes on); false with errno set
// when a write fails.
bool WriteFully(int fd, std::string_view bytes);

// Opens `path` for reading without following a symlink in its last component.
Result<UniqueFd> OpenFileForReading(const std::string& path);

}  // namespace riposte
