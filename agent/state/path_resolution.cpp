#include "state/path_resolution.h"

#include <vector>

namespace riposte {

// Most paths are already normal: absolute, no "//", no "." or ".." component.
bool IsNormal(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.size() > 1 && path.back() == '/') return false;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    if (path[i] != '/') continue;
    char next = path[i + 1];
    if (next == '/') return false;
    if (next == '.' && (i + 2 == path.size() || path[i + 2] == '/' ||
                        (path[i + 2] == '.' && (i + 3 == path.size() || path[i + 3] == '/'))))
      return false;
  }
  return true;
}

std::string NormalizePath(std::string_view path) {
  if (IsNormal(path)) return std::string(path);
  bool absolute = !path.empty() && path.front() == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view c = path.substr(i, j - i);
    if (c.empty() || c == ".") {
      // skip
    } else if (c == "..") {
      if (!parts.empty() && parts.back() != "..")
        parts.pop_back();
      else if (!absolute)
        parts.push_back(c);
    } else {
      parts.push_back(c);
    }
    i = j + 1;
  }
  std::string out;
  if (absolute) out = "/";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out += '/';
    out += parts[k];
  }
  if (out.empty()) out = absolute ? "/" : ".";
  return out;
}

std::string ResolvePath(std::string_view base, std::string_view path) {
  if (path.empty()) return std::string(base);
  if (path.front() == '/' || base.empty()) return NormalizePath(path);
  std::string joined(base);
  joined += '/';
  joined += path;
  return NormalizePath(joined);
}

}  // namespace riposte
