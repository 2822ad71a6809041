#include "decode/user_names.h"

#include <grp.h>
#include <pwd.h>

#include <mutex>
#include <string>
#include <unordered_map>

namespace riposte {
namespace {

// Lookups read /etc/passwd and /etc/group: cache them. The cache is process-wide because
// the user database is.
class NameCache {
 public:
  std::string_view Lookup(uint32_t id, bool user) {
    std::lock_guard lock(mu_);
    auto& map = user ? users_ : groups_;
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

 private:
  std::mutex mu_;
  std::unordered_map<uint32_t, std::string> users_, groups_;
};

NameCache& Names() {
  static NameCache cache;
  return cache;
}

}  // namespace

std::string_view UserName(uint32_t uid) { return Names().Lookup(uid, true); }
std::string_view GroupName(uint32_t gid) { return Names().Lookup(gid, false); }

}  // namespace riposte
