// This host's name, as alerts, audit records and capture files record it.
#pragma once

#include <string>

namespace riposte {

std::string HostName();

}  // namespace riposte
