// A file read whole, for the commands that read what an operator names (audit trails,
// exports, key files): nothing when it cannot be opened or read.
#pragma once

#include <optional>
#include <string>

namespace riposte {

std::optional<std::string> ReadWholeFile(const std::string& path);

}  // namespace riposte
