// Falco prints a string field's value only after making it printable UTF-8: every control
// byte (C0, DEL), every byte that is not part of a well-formed UTF-8 sequence, every C1
// control and every Unicode non-character becomes U+FFFD, one per maximal ill-formed
// subpart (Unicode's "substitution of maximal subparts"). Conditions compare the raw bytes;
// only what is printed (the message, output_fields) is made printable. A tab in an argv
// therefore prints as U+FFFD, as in Falco 0.44's alerts, and a hostile name can neither
// break a text line nor a JSON record.
#pragma once

#include <string>
#include <string_view>

namespace riposte {

// `text` itself when it is already printable (the common case, one pass, no copy);
// otherwise the printable copy, written into `storage`.
std::string_view PrintableText(std::string_view text, std::string& storage);

}  // namespace riposte
