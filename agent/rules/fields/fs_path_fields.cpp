// fs.path.*: the filesystem path a successful syscall acted on, for the syscalls that take
// one (mkdir, unlink, chmod, open ...), and the source and target of those that take two
// (rename, link, symlink, mount) — Falco's table of which argument is which. The plain
// fields are absolute (against the cwd or the dirfd); the *raw ones as the process passed
// them. A failed syscall has none.
#include <fcntl.h>

#include <string>
#include <string_view>

#include "kernel/syscall_table.h"
#include "rules/field_registry.h"
#include "state/fd_info.h"
#include "state/path_resolution.h"
#include "state/process_info.h"

namespace riposte {
namespace {

using V = std::vector<FieldValue>;

enum class Role { kPath, kSource, kTarget };

struct PathArgs {
  std::string_view syscall;
  std::string_view path, source, target;  // param names; "fd": the event's fd name
  bool fd_result = false;                 // succeeds when it returns an fd, not 0
};

constexpr PathArgs kPathArgs[] = {
    {"mkdir", "path", {}, {}},         {"mkdirat", "path", {}, {}},
    {"rmdir", "path", {}, {}},         {"unlink", "path", {}, {}},
    {"unlinkat", "name", {}, {}},      {"open", "name", {}, {}, true},
    {"openat", "name", {}, {}, true},  {"openat2", "name", {}, {}, true},
    {"fchmodat", "filename", {}, {}},  {"chmod", "filename", {}, {}},
    {"fchmod", "fd", {}, {}},          {"chown", "path", {}, {}},
    {"lchown", "path", {}, {}},        {"fchown", "fd", {}, {}},
    {"fchownat", "pathname", {}, {}},  {"umount2", "name", {}, {}},
    {"rename", {}, "oldpath", "newpath"},   {"renameat", {}, "oldpath", "newpath"},
    {"renameat2", {}, "oldpath", "newpath"},
    // Falco's table has link's source as the new name and its target as the existing file.
    {"link", {}, "newpath", "oldpath"},     {"linkat", {}, "newpath", "oldpath"},
    {"symlink", {}, "linkpath", "target"},  {"symlinkat", {}, "linkpath", "target"},
    {"mount", {}, "dev", "dir"},
};

// Falco's directory for a directory fd argument: the fd's path with a trailing slash when
// it is a directory the process has open, "<UNKNOWN>" otherwise (AT_FDCWD included: Falco
// finds no fd for it).
std::string DirFdPrefix(const Event& e, int64_t dirfd) {
  const FdInfo* f = e.process ? e.process->fds.Find(dirfd) : nullptr;
  if (!f || f->type != FdType::kDirectory) return "<UNKNOWN>";
  return f->name.ends_with('/') ? f->name : f->name + '/';
}

int64_t ArgNamed(const Event& e, std::string_view name) {
  for (size_t i = 0; i < e.syscall->args.size(); ++i)
    if (e.syscall->args[i].kind != ArgKind::kNone && e.syscall->args[i].name == name)
      return static_cast<int32_t>(e.args[i]);
  return AT_FDCWD;
}

// A relative path made absolute as Falco's fs.path fields make it: against the cwd for
// most syscalls, but by rules of its own for some *at ones (the dirfd, an fd's name, or
// "<UNKNOWN>" prefixed where it does not know the directory). An absolute path is only
// normalised.
std::string Absolute(const Event& e, Role role, std::string_view raw) {
  if (raw.empty()) return {};  // AT_EMPTY_PATH: Falco names nothing
  if (raw[0] == '/') return NormalizePath(raw);
  const std::string_view t = e.syscall->name;
  std::string dir;
  if (t == "openat" || t == "openat2") {
    return e.fd && !e.fd->failed_open ? e.fd->name : "<UNKNOWN>";
  } else if (t == "fchownat" || t == "fchmodat" || t == "mkdirat" || t == "unlinkat") {
    dir = DirFdPrefix(e, ArgNamed(e, "dirfd"));
  } else if (t == "symlinkat") {
    dir = role == Role::kSource ? DirFdPrefix(e, ArgNamed(e, "linkdirfd")) : "<UNKNOWN>";
  } else if (t == "renameat2" && role != Role::kPath) {
    const int64_t dirfd = ArgNamed(e, role == Role::kTarget ? "newdirfd" : "olddirfd");
    dir = dirfd == AT_FDCWD && e.process ? e.process->cwd : DirFdPrefix(e, dirfd);
  } else if (e.process) {
    dir = e.process->cwd;
  }
  if (dir.empty() || dir[0] != '/') return dir + std::string(raw);
  return NormalizePath(dir + (dir.ends_with('/') ? "" : "/") + std::string(raw));
}

template <Role R, bool kRaw>
void FsPath(EvalContext& c, const FieldArg&, V& out) {
  const Event& e = c.event;
  if (e.kind != EventKind::kSyscall || (e.flags & RP_SYSCALL_NO_ENTER)) return;
  const PathArgs* args = nullptr;
  for (const auto& a : kPathArgs)
    if (a.syscall == e.syscall->name) args = &a;
  if (!args) return;
  // Falco's success test for the opens is "fd != -1": a failed open returning another
  // errno still names its path (only EPERM, -1, does not).
  if (args->fd_result ? e.ret == -1 : e.ret != 0) return;
  const std::string_view name = R == Role::kPath ? args->path : R == Role::kSource ? args->source : args->target;
  if (name.empty()) return;
  if (name == "fd") {
    if (e.fd && !e.fd->failed_open) out.push_back({e.fd->name, 0});
    return;
  }
  for (int i = 0; i < 2; ++i) {
    if (e.syscall->params[i].kind == ParamKind::kNone || e.syscall->params[i].name != name) continue;
    if (kRaw) out.push_back({e.params[i], 0});
    else out.push_back({c.Keep(Absolute(e, R, e.params[i])), 0});
    return;
  }
}

}  // namespace

std::vector<FieldDef> FsPathFields() {
  using K = FieldType;
  using A = FieldArgMode;
  return {
      {"fs.path.name", K::kString, A::kNone, "the path a successful one-path file syscall acted on, absolute",
       FsPath<Role::kPath, false>},
      {"fs.path.nameraw", K::kString, A::kNone, "fs.path.name as the process passed it", FsPath<Role::kPath, true>},
      {"fs.path.source", K::kString, A::kNone, "the source path of a successful rename, link, symlink or mount, absolute",
       FsPath<Role::kSource, false>},
      {"fs.path.sourceraw", K::kString, A::kNone, "fs.path.source as the process passed it", FsPath<Role::kSource, true>},
      {"fs.path.target", K::kString, A::kNone, "the target path of a successful rename, link, symlink or mount, absolute",
       FsPath<Role::kTarget, false>},
      {"fs.path.targetraw", K::kString, A::kNone, "fs.path.target as the process passed it", FsPath<Role::kTarget, true>},
  };
}

}  // namespace riposte
