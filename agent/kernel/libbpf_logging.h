// Sends libbpf's own messages to the agent's log. libbpf prints refusals that riposte
// expects while probing (fentry, LSM), so its output is debug level: riposte reports
// what matters from the return codes itself.
#pragma once

namespace riposte {
void RouteLibbpfLogToSpdlog();
}
