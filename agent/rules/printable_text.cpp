#include "rules/printable_text.h"

#include <cstdint>

namespace riposte {
namespace {

// Length of the sequence at p if it is a printable UTF-8 character (> 0), else minus the
// number of bytes one U+FFFD replaces (< 0).
int SequenceLength(const unsigned char* p, const unsigned char* end) {
  const unsigned c = p[0];
  if (c < 0x80) return c >= 0x20 && c != 0x7F ? 1 : -1;
  if (c < 0xC2) return -1;  // a lone continuation byte, or an overlong lead
  const auto continuation = [&](int i, unsigned lo, unsigned hi) {
    return p + i < end && p[i] >= lo && p[i] <= hi;
  };
  if (c < 0xE0) {
    if (!continuation(1, 0x80, 0xBF)) return -1;
    const unsigned cp = (c & 0x1F) << 6 | (p[1] & 0x3F);
    return cp > 0x9F ? 2 : -2;  // U+0080..U+009F: C1 controls
  }
  if (c < 0xF0) {
    // The first continuation's range excludes overlongs (E0) and surrogates (ED).
    if (!continuation(1, c == 0xE0 ? 0xA0 : 0x80, c == 0xED ? 0x9F : 0xBF)) return -1;
    if (!continuation(2, 0x80, 0xBF)) return -2;
    const unsigned cp = (c & 0x0F) << 12 | (p[1] & 0x3F) << 6 | (p[2] & 0x3F);
    if ((cp >= 0xFDD0 && cp <= 0xFDEF) || cp >= 0xFFFE) return -3;  // non-characters
    return 3;
  }
  if (c <= 0xF4) {
    // F0's first continuation excludes overlongs, F4's code points past U+10FFFF.
    if (!continuation(1, c == 0xF0 ? 0x90 : 0x80, c == 0xF4 ? 0x8F : 0xBF)) return -1;
    if (!continuation(2, 0x80, 0xBF)) return -2;
    if (!continuation(3, 0x80, 0xBF)) return -3;
    const unsigned cp = (c & 0x07) << 18 | (p[1] & 0x3F) << 12 | (p[2] & 0x3F) << 6 | (p[3] & 0x3F);
    if ((cp & 0xFFFF) >= 0xFFFE) return -4;  // each plane's last two code points
    return 4;
  }
  return -1;  // F5..FF never start a sequence
}

}  // namespace

std::string_view PrintableText(std::string_view text, std::string& storage) {
  const auto* const begin = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = begin + text.size();
  const unsigned char* p = begin;
  while (p < end) {
    const int n = SequenceLength(p, end);
    if (n < 0) break;
    p += n;
  }
  if (p == end) return text;
  storage.assign(text.data(), static_cast<size_t>(p - begin));
  while (p < end) {
    const int n = SequenceLength(p, end);
    if (n > 0) {
      storage.append(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
      p += n;
    } else {
      storage += "\xEF\xBF\xBD";
      p += -n;
    }
  }
  return storage;
}

}  // namespace riposte
