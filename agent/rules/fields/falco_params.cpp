#include "rules/fields/falco_params.h"

#include <map>

namespace riposte {
namespace {

struct ParamList {
  std::string_view type;
  std::string_view names;  // space-separated
};

constexpr ParamList kParams[] = {
    {"read", "res data fd size"},
    {"write", "res data fd size"},
    {"open", "fd name flags mode dev ino"},
    {"close", "res fd"},
    {"pread", "res data fd size pos"},
    {"pwrite", "res data fd size pos"},
    {"readv", "res size data fd"},
    {"writev", "res data fd size"},
    {"pipe", "res fd1 fd2 ino"},
    {"dup", "res oldfd"},
    {"dup2", "res oldfd newfd"},
    {"socket", "fd domain type proto flags"},
    {"connect", "res tuple fd addr"},
    {"accept", "fd tuple queuepct queuelen queuemax"},
    {"sendto", "res data fd size tuple"},
    {"recvfrom", "res data tuple fd size"},
    {"sendmsg", "res data fd size tuple"},
    {"recvmsg", "res size data tuple msgcontrol fd"},
    {"bind", "res addr fd"},
    {"listen", "res fd backlog"},
    {"socketpair", "res fd1 fd2 source peer domain type proto"},
    {"clone", "res exe args tid pid ptid cwd fdlimit pgft_maj pgft_min vm_size vm_rss vm_swap comm cgroups flags uid gid vtid vpid pidns_init_start_ts"},
    {"fork", "res exe args tid pid ptid cwd fdlimit pgft_maj pgft_min vm_size vm_rss vm_swap comm cgroups flags uid gid vtid vpid pidns_init_start_ts"},
    {"vfork", "res exe args tid pid ptid cwd fdlimit pgft_maj pgft_min vm_size vm_rss vm_swap comm cgroups flags uid gid vtid vpid pidns_init_start_ts"},
    {"execve", "res exe args tid pid ptid cwd fdlimit pgft_maj pgft_min vm_size vm_rss vm_swap comm cgroups env tty vpgid loginuid flags cap_inheritable cap_permitted cap_effective exe_ino exe_ino_ctime exe_ino_mtime uid trusted_exepath pgid gid filename"},
    {"kill", "res pid sig"},
    {"chdir", "res path"},
    {"fchdir", "res fd"},
    {"rename", "res oldpath newpath"},
    {"mkdir", "res path mode"},
    {"rmdir", "res path"},
    {"creat", "fd name mode dev ino creat_flags"},
    {"link", "res oldpath newpath"},
    {"unlink", "res path"},
    {"symlink", "res target linkpath"},
    {"chmod", "res filename mode"},
    {"fchmod", "res fd mode"},
    {"chown", "res path uid gid"},
    {"fchown", "res fd uid gid"},
    {"lchown", "res path uid gid"},
    {"ptrace", "res addr data request pid"},
    {"setuid", "res uid"},
    {"setgid", "res gid"},
    {"setpgid", "res pid pgid"},
    {"setsid", "res"},
    {"setreuid", "res ruid euid"},
    {"setregid", "res rgid egid"},
    {"setresuid", "res ruid euid suid"},
    {"setresgid", "res rgid egid sgid"},
    {"capset", "res cap_inheritable cap_permitted cap_effective"},
    {"prctl", "res option arg2_str arg2_int"},
    {"chroot", "res path"},
    {"mount", "res dev dir type flags"},
    {"umount2", "res name flags"},
    {"init_module", "res img length uargs"},
    {"tkill", "res tid sig"},
    {"tgkill", "res pid tid sig"},
    {"openat", "fd dirfd name flags mode dev ino"},
    {"mkdirat", "res dirfd path mode"},
    {"fchownat", "res dirfd pathname uid gid flags"},
    {"unlinkat", "res dirfd name flags"},
    {"renameat", "res olddirfd oldpath newdirfd newpath"},
    {"linkat", "res olddir oldpath newdir newpath flags"},
    {"symlinkat", "res target linkdirfd linkpath"},
    {"fchmodat", "res dirfd filename mode"},
    {"unshare", "res flags"},
    {"accept4", "fd tuple queuepct queuelen queuemax flags"},
    {"dup3", "res oldfd newfd flags"},
    {"pipe2", "res fd1 fd2 ino flags"},
    {"setns", "res fd nstype"},
    {"finit_module", "res fd uargs flags"},
    {"renameat2", "res olddirfd oldpath newdirfd newpath flags"},
    {"memfd_create", "fd name flags"},
    {"bpf", "fd cmd"},
    {"execveat", "res exe args tid pid ptid cwd fdlimit pgft_maj pgft_min vm_size vm_rss vm_swap comm cgroups env tty vpgid loginuid flags cap_inheritable cap_permitted cap_effective exe_ino exe_ino_ctime exe_ino_mtime uid trusted_exepath pgid gid"},
    {"userfaultfd", "res flags"},
    {"io_uring_setup", "res entries sq_entries cq_entries flags sq_thread_cpu sq_thread_idle features"},
    {"clone3", "res exe args tid pid ptid cwd fdlimit pgft_maj pgft_min vm_size vm_rss vm_swap comm cgroups flags uid gid vtid vpid pidns_init_start_ts"},
    {"openat2", "fd dirfd name flags mode resolve dev ino"},
    {"fcntl", "res fd cmd arg"},
    {"procexit", "status ret sig core reaper_tid"},
};

std::vector<std::string_view> Split(std::string_view names) {
  std::vector<std::string_view> out;
  while (!names.empty()) {
    size_t space = names.find(' ');
    out.push_back(names.substr(0, space));
    names = space == std::string_view::npos ? std::string_view() : names.substr(space + 1);
  }
  return out;
}

}  // namespace

const std::vector<std::string_view>& FalcoParams(std::string_view type) {
  // Built once, read-only afterwards.
  static const std::map<std::string_view, std::vector<std::string_view>, std::less<>> table = [] {
    std::map<std::string_view, std::vector<std::string_view>, std::less<>> t;
    for (const auto& p : kParams) t.emplace(p.type, Split(p.names));
    return t;
  }();
  static const std::vector<std::string_view> none;
  auto it = table.find(type);
  return it == table.end() ? none : it->second;
}

}  // namespace riposte
