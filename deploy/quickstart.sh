#!/usr/bin/env bash
# Installs what riposte needs, builds it, and starts the agent on this host (as root).
# Today the agent captures and prints what the kernel sees; the rule engine, policies and
# responders plug into the same pipeline as they land. Extra arguments go to the agent,
# e.g. `deploy/quickstart.sh --format json --type execve,connect`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "quickstart.sh: run as root: riposte loads eBPF programs" >&2
  exit 1
fi

./deploy/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target riposte
echo "quickstart.sh: starting riposte (Ctrl-C stops it)"
if [ $# -eq 0 ]; then
  set -- --format text
fi
exec ./build/riposte capture "$@"
