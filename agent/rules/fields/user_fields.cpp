// user.* and group.*: who the process runs as. Names come from the host's user
// database (cached), as Falco does for host processes.
#include "decode/user_names.h"
#include "rules/field_registry.h"
#include "state/process_info.h"

namespace riposte {
namespace {

using V = std::vector<FieldValue>;

// Numbers carry no text: only outputs print them, and they format them there.
void Num(EvalContext&, V& out, int64_t n) { out.push_back({{}, n}); }

#define PROC(expr)                                                     \
  [](EvalContext& c, const FieldArg&, V& out) {                        \
    if (const ProcessInfo* p = c.event.process) { (void)c; expr; }     \
  }

}  // namespace

std::vector<FieldDef> UserFields() {
  using K = FieldType;
  using A = FieldArgMode;
  return {
      {"user.uid", K::kInt, A::kNone, "effective user id (as Falco: set*id's effective argument once it succeeds)",
       PROC(Num(c, out, p->euid))},
      {"user.name", K::kString, A::kNone, "effective user's name", PROC(out.push_back({UserName(p->euid), 0}))},
      {"user.homedir", K::kString, A::kNone, "effective user's home directory", PROC(out.push_back({UserHome(p->euid), 0}))},
      {"user.shell", K::kString, A::kNone, "effective user's login shell", PROC(out.push_back({UserShell(p->euid), 0}))},
      {"user.loginuid", K::kInt, A::kNone, "audit login uid (-1 when unset)",
       PROC(Num(c, out, static_cast<int32_t>(p->loginuid)))},
      {"user.loginname", K::kString, A::kNone, "name of the audit login user",
       PROC(out.push_back({p->loginuid == UINT32_MAX ? std::string_view("<NA>") : UserName(p->loginuid), 0}))},
      {"user.prev_uid", K::kInt, A::kNone, "riposte: for set*id syscalls, the real uid before the change",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (c.event.prev_uid >= 0) Num(c, out, c.event.prev_uid);
       }},
      {"group.gid", K::kInt, A::kNone, "effective group id", PROC(Num(c, out, p->egid))},
      {"group.name", K::kString, A::kNone, "effective group's name", PROC(out.push_back({GroupName(p->egid), 0}))},
  };
}

}  // namespace riposte
