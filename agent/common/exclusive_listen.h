// cpp-httplib binds with SO_REUSEPORT by default, which lets a second process bind the
// same port silently and take half the connections (a second agent answering half the
// probes, a second `respond` half the alerts). Ours bind with SO_REUSEADDR only, so a
// port in use is an error, while a restart still rebinds at once past TIME_WAIT.
#pragma once

#include <httplib.h>

namespace riposte {

inline void BindExclusively(httplib::Server& server) {
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
}

}  // namespace riposte
