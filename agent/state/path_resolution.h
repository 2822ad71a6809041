// Lexical path handling: making a syscall's path absolute against a directory, the way
// the kernel would see it, without touching the filesystem (which may have changed).
#pragma once

#include <string>
#include <string_view>

namespace riposte {

// "/a/b/../c/./d" -> "/a/c/d". Keeps a leading '/', drops trailing '/'.
std::string NormalizePath(std::string_view path);
// `path` if absolute, else `base` + "/" + `path`, normalized. Empty base: path as is.
std::string ResolvePath(std::string_view base, std::string_view path);

}  // namespace riposte
