// User and group names for ids, from the host's user database, as Falco resolves them for
// host processes (user.name, and the uid/gid parameters of set*id).
#pragma once

#include <cstdint>
#include <string_view>

namespace riposte {

// "<NA>" for an id the database does not know. Views stay valid for the process' life:
// the names are cached (a handful of ids on any host) and never evicted.
std::string_view UserName(uint32_t uid);
// The user's home directory and login shell ("<NA>" for an unknown user).
std::string_view UserHome(uint32_t uid);
std::string_view UserShell(uint32_t uid);
std::string_view GroupName(uint32_t gid);

}  // namespace riposte
