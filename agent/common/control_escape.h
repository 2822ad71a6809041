// Text an attacker controls (process names, file names, argv, alert fields sent to
// `respond`) printed in a log line or a text alert could forge lines (a newline) or drive
// the reader's terminal (escape sequences). Printed through this, every control byte
// (C0, DEL) and backslash is shown as an escape instead: \n, \t, \\, \x1b.
#pragma once

#include <string>
#include <string_view>

namespace riposte {

std::string EscapeControl(std::string_view text);

}  // namespace riposte
