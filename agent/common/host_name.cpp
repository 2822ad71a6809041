#include "common/host_name.h"

#include <unistd.h>

namespace riposte {

std::string HostName() {
  char buf[256] = {};
  gethostname(buf, sizeof(buf) - 1);
  return buf;
}

}  // namespace riposte
