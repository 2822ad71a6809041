#!/usr/bin/env bash
# Installs what riposte needs, builds it, and starts the agent on this host (as root)
# with the default rules in rules/ and the default policies in policies/ (every one in
# dry-run: nothing is harmed, the audit log at /var/log/riposte/audit.log records what
# would have been done). Alerts print on stdout. Extra arguments go to `riposte run`,
# e.g. `deploy/quickstart.sh --json --alerts-file /var/log/riposte-alerts.json`.
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
# The default policies are all dry-run: the audit log records what they would do.
exec ./build/riposte run --rules rules/ --policies policies/ --audit-log /var/log/riposte/audit.log "$@"
