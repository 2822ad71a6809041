#include "common/yaml_files.h"

#include <algorithm>
#include <filesystem>

namespace riposte {

std::vector<std::string> YamlFilesIn(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const auto name = entry.path().filename().string();
    const auto ext = entry.path().extension();
    if (name.starts_with(".") || (ext != ".yaml" && ext != ".yml")) continue;
    if (entry.is_regular_file(ec)) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace riposte
