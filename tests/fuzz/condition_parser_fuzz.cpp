// Any bytes as a condition: the parser returns a tree or an error, never crashes; a tree
// prints back to text that parses again.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rules/condition_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  riposte::ParseError error;
  auto tree = riposte::ParseCondition(text, &error);
  if (tree) {
    std::string again = tree->ToString();
    riposte::ParseError error2;
    if (!riposte::ParseCondition(again, &error2)) __builtin_trap();  // printed trees must parse
  } else if (error.offset > text.size()) {
    __builtin_trap();  // an error points inside the text
  }
  return 0;
}
