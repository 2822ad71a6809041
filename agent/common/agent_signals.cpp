#include "common/agent_signals.h"

#include <pthread.h>

#include <initializer_list>

namespace riposte {

sigset_t AgentSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, sig);
  return set;
}

void TakeOverAgentSignals() {
  sigset_t set = AgentSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) signal(sig, SIG_DFL);
}

}  // namespace riposte
