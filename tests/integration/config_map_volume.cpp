#include "integration/config_map_volume.h"

#include <filesystem>
#include <fstream>

namespace riposte::testing {

namespace fs = std::filesystem;

void PublishConfigMap(const std::string& mount, const std::map<std::string, std::string>& files) {
  // The version after the one `..data` names now (..v1, ..v2, ...).
  const std::string data_link = mount + "/..data";
  std::string old_version;
  int number = 0;
  if (fs::is_symlink(data_link)) {
    old_version = fs::read_symlink(data_link).string();
    number = std::stoi(old_version.substr(3));
  }
  const std::string version = "..v" + std::to_string(number + 1);
  fs::create_directories(mount + "/" + version);
  for (const auto& [key, text] : files) std::ofstream(mount + "/" + version + "/" + key) << text;
  fs::create_directory_symlink(version, mount + "/..data_tmp");
  fs::rename(mount + "/..data_tmp", data_link);
  for (const auto& [key, text] : files)
    if (!fs::is_symlink(mount + "/" + key)) fs::create_symlink("..data/" + key, mount + "/" + key);
  if (!old_version.empty()) fs::remove_all(mount + "/" + old_version);
}

}  // namespace riposte::testing
