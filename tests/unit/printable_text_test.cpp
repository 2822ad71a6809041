#include "rules/printable_text.h"

#include <gtest/gtest.h>

namespace riposte {
namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";

std::string Printed(std::string_view text) {
  std::string storage;
  return std::string(PrintableText(text, storage));
}

TEST(PrintableText, PrintableUtf8IsReturnedAsIs) {
  std::string storage;
  const std::string text = "caf\xC3\xA9 \xF0\x9F\x98\x80 ~";
  EXPECT_EQ(PrintableText(text, storage).data(), text.data());
  EXPECT_TRUE(storage.empty());
}

TEST(PrintableText, ControlBytesAndDeleteAreReplaced) {
  EXPECT_EQ(Printed("a\tb\nc\x7F"), std::string("a") + kReplacement + "b" + kReplacement + "c" + kReplacement);
  EXPECT_EQ(Printed(std::string("\0x", 2)), std::string(kReplacement) + "x");
}

// One U+FFFD per maximal ill-formed subpart (Unicode 3.9), as libsinsp 0.25 replaces them.
TEST(PrintableText, EachMaximalIllFormedSubpartIsOneReplacement) {
  EXPECT_EQ(Printed("\xE2\x82"), kReplacement);                         // cut 3-byte sequence
  EXPECT_EQ(Printed("\xE2\x82x"), std::string(kReplacement) + "x");
  EXPECT_EQ(Printed("\xED\xA0\x80"), std::string(kReplacement) + kReplacement + kReplacement);  // surrogate
  EXPECT_EQ(Printed("\xC0\xAF"), std::string(kReplacement) + kReplacement);  // overlong '/'
  EXPECT_EQ(Printed("\xF0\x9F\x98"), kReplacement);                     // cut 4-byte sequence
  EXPECT_EQ(Printed("\xF5\x80"), std::string(kReplacement) + kReplacement);
}

TEST(PrintableText, C1ControlsAndNonCharactersAreReplacedWhole) {
  EXPECT_EQ(Printed("\xC2\x85"), kReplacement);        // U+0085
  EXPECT_EQ(Printed("\xEF\xB7\x90"), kReplacement);    // U+FDD0
  EXPECT_EQ(Printed("\xEF\xBF\xBF"), kReplacement);    // U+FFFF
  EXPECT_EQ(Printed("\xF0\x9F\xBF\xBE"), kReplacement);  // U+1FFFE
  EXPECT_EQ(Printed("\xC2\xA0"), "\xC2\xA0");          // U+00A0 is printable
}

}  // namespace
}  // namespace riposte
