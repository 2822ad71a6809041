#include "state/path_resolution.h"

#include <vector>

namespace riposte {

std::string NormalizePath(std::string_view path) {
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
