#include "common/glob.h"

#include <fnmatch.h>

#include <algorithm>

namespace riposte {

bool MatchesAnyGlob(const std::vector<std::string>& patterns, const std::string& name) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return fnmatch(p.c_str(), name.c_str(), 0) == 0; });
}

}  // namespace riposte
