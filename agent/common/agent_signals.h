// The signals a long-running command (run, capture, respond) obeys: SIGINT and SIGTERM
// stop it, SIGHUP reloads. They are taken synchronously (a signalfd, or sigwait), never
// by a handler: no global flag, no async-signal-safety traps.
#pragma once

#include <signal.h>

namespace riposte {

sigset_t AgentSignals();

// Call first thing, before any thread starts: blocks the agent signals in this thread and
// every thread started after it, so one that arrives during start-up waits for the loop
// instead of being lost, and resets an inherited SIG_IGN (nohup, a shell's background
// job) to the default, because a blocked-but-ignored signal is discarded when sent and
// the agent would never hear SIGTERM.
void TakeOverAgentSignals();

}  // namespace riposte
