#include "cli/commands.h"
#include "version.h"

namespace riposte {

void AddVersionFlag(CLI::App& cmd) {
  cmd.set_version_flag("--version", std::string("riposte ") + kVersion);
}

}  // namespace riposte
