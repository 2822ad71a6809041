// user.* and group.*: who the process runs as. Names come from the host's user
// database (cached), as Falco does for host processes.
#include <grp.h>
#include <pwd.h>

#include <mutex>
#include <unordered_map>

#include "rules/field_registry.h"
#include "state/process_info.h"

namespace riposte {
namespace {

using V = std::vector<FieldValue>;

// Name lookups hit /etc/passwd: cache them. The cache is process-wide because the user
// database is; it only grows with the ids seen, a handful on any host.
class NameCache {
 public:
  std::string_view User(uint32_t uid) { return Lookup(users_, uid, true); }
  std::string_view Group(uint32_t gid) { return Lookup(groups_, gid, false); }

 private:
  std::string_view Lookup(std::unordered_map<uint32_t, std::string>& map, uint32_t id, bool user) {
    std::lock_guard lock(mu_);
    auto it = map.find(id);
    if (it != map.end()) return it->second;
    std::string name;
    char buf[4096];
    if (user) {
      passwd pw, *res = nullptr;
      if (getpwuid_r(id, &pw, buf, sizeof(buf), &res) == 0 && res) name = res->pw_name;
    } else {
      group gr, *res = nullptr;
      if (getgrgid_r(id, &gr, buf, sizeof(buf), &res) == 0 && res) name = res->gr_name;
    }
    if (name.empty()) name = "<NA>";
    return map.emplace(id, std::move(name)).first->second;
  }
  std::mutex mu_;
  std::unordered_map<uint32_t, std::string> users_, groups_;
};

NameCache& Names() {
  static NameCache cache;
  return cache;
}

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
      {"user.uid", K::kInt, A::kNone, "user id", PROC(Num(c, out, p->uid))},
      {"user.name", K::kString, A::kNone, "user name", PROC(out.push_back({Names().User(p->uid), 0}))},
      {"user.loginuid", K::kInt, A::kNone, "audit login uid (-1 when unset)",
       PROC(Num(c, out, static_cast<int32_t>(p->loginuid)))},
      {"user.loginname", K::kString, A::kNone, "name of the audit login user",
       PROC(if (p->loginuid != UINT32_MAX) out.push_back({Names().User(p->loginuid), 0}))},
      {"user.prev_uid", K::kInt, A::kNone, "riposte: for set*id syscalls, the real uid before the change",
       [](EvalContext& c, const FieldArg&, V& out) {
         if (c.event.prev_uid >= 0) Num(c, out, c.event.prev_uid);
       }},
      {"group.gid", K::kInt, A::kNone, "group id", PROC(Num(c, out, p->gid))},
      {"group.name", K::kString, A::kNone, "group name", PROC(out.push_back({Names().Group(p->gid), 0}))},
  };
}

}  // namespace riposte
