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
struct Entry {
  std::string name, home, shell;  // home and shell: users only
};

class NameCache {
 public:
  const Entry& Lookup(uint32_t id, bool user) {
    std::lock_guard lock(mu_);
    auto& map = user ? users_ : groups_;
    auto it = map.find(id);
    if (it != map.end()) return it->second;
    Entry e;
    char buf[4096];
    if (user) {
      passwd pw, *res = nullptr;
      if (getpwuid_r(id, &pw, buf, sizeof(buf), &res) == 0 && res) {
        e.name = res->pw_name;
        e.home = res->pw_dir ? res->pw_dir : "";
        e.shell = res->pw_shell ? res->pw_shell : "";
      }
    } else {
      group gr, *res = nullptr;
      if (getgrgid_r(id, &gr, buf, sizeof(buf), &res) == 0 && res) e.name = res->gr_name;
    }
    if (e.name.empty()) e = {"<NA>", "<NA>", "<NA>"};
    return map.emplace(id, std::move(e)).first->second;
  }

 private:
  std::mutex mu_;
  std::unordered_map<uint32_t, Entry> users_, groups_;
};

NameCache& Names() {
  static NameCache cache;
  return cache;
}

}  // namespace

std::string_view UserName(uint32_t uid) { return Names().Lookup(uid, true).name; }
std::string_view UserHome(uint32_t uid) { return Names().Lookup(uid, true).home; }
std::string_view UserShell(uint32_t uid) { return Names().Lookup(uid, true).shell; }
std::string_view GroupName(uint32_t gid) { return Names().Lookup(gid, false).name; }

}  // namespace riposte
