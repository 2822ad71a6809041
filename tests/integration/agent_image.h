// The agent's OCI image for tests, built by the shipped recipe (deploy/image/build-image.sh,
// umoci) from the binary under test and imported into the test containerd.
#pragma once

#include <string>

#include "common/result.h"

namespace riposte::testing {

// Builds the image tagged `tag` into `out_dir`; the OCI tar's path, or the script's output.
Result<std::string> BuildAgentImage(const std::string& out_dir, const std::string& tag);
// `ctr images import` of that tar into namespace `ns` of the containerd at `socket`, named
// `base_name`:TAG.
Status ImportImage(const std::string& socket, const std::string& ns, const std::string& base_name,
                   const std::string& tarball);

}  // namespace riposte::testing
