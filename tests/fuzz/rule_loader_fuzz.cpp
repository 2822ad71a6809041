// Any bytes as a rules file: read, collect and compile never crash; problems are messages.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rules/rule_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto set = riposte::RuleSet::LoadTexts({{"fuzz.yaml", text}});
  for (const auto& m : set->messages()) (void)m.ToString();
  return 0;
}
