// Shell-style globs (fnmatch) over lists of patterns: how policies and protections name
// rules, images, namespaces and process names.
#pragma once

#include <string>
#include <vector>

namespace riposte {

// True when `name` matches a glob in `patterns`.
bool MatchesAnyGlob(const std::vector<std::string>& patterns, const std::string& name);

}  // namespace riposte
