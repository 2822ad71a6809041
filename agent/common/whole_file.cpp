#include "common/whole_file.h"

#include <fstream>

namespace riposte {

std::optional<std::string> ReadWholeFile(const std::string& path) {
  // istream::read turns a failed read(2) into badbit; an istreambuf_iterator would throw.
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) text.append(chunk, static_cast<size_t>(in.gcount()));
  if (in.bad()) return std::nullopt;
  return text;
}

}  // namespace riposte
