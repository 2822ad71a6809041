#include "integration/agent_image.h"

#include <filesystem>

#include "integration/capture_harness.h"

namespace riposte::testing {

Result<std::string> BuildAgentImage(const std::string& out_dir, const std::string& tag) {
  int rc = 0;
  std::string out = ShellStatus("cd " + SourceDir() + " && RIPOSTE_BINARY=" + RiposteBinary() +
                                    " deploy/image/build-image.sh " + out_dir + " " + tag + " 2>&1",
                                &rc);
  const std::string tarball = out_dir + "/riposte-" + tag + ".oci.tar";
  if (rc != 0 || !std::filesystem::exists(tarball)) return Error{"build-image.sh failed:\n" + out};
  return tarball;
}

Status ImportImage(const std::string& socket, const std::string& ns, const std::string& base_name,
                   const std::string& tarball) {
  int rc = 0;
  std::string out = ShellStatus(
      "ctr --address " + socket + " -n " + ns + " images import --base-name " + base_name + " " + tarball + " 2>&1", &rc);
  if (rc != 0) return Error{"ctr images import failed:\n" + out};
  return Status::Ok();
}

}  // namespace riposte::testing
