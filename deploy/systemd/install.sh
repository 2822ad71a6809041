#!/usr/bin/env bash
# Installs a built riposte as a systemd service: the binary, the default rules and
# policies (only where /etc/riposte has none yet: local edits are kept), the sample
# configuration, and the unit. Run from the repository after building (build/riposte).
# DESTDIR-style root for packaging and tests: ROOT=/some/dir deploy/systemd/install.sh;
# RIPOSTE_BINARY=path installs that binary instead of build/riposte.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="${ROOT:-}"
BINARY="${RIPOSTE_BINARY:-build/riposte}"
test -x "$BINARY" || { echo "install.sh: build riposte first (cmake --build build --target riposte)" >&2; exit 1; }
install -D -m 0755 "$BINARY" "$ROOT/usr/local/bin/riposte"
install -d "$ROOT/etc/riposte/rules" "$ROOT/etc/riposte/policies" "$ROOT/usr/local/share/doc/riposte"
[ -e "$ROOT/etc/riposte/riposte.yaml" ] || install -m 0644 deploy/systemd/riposte.yaml "$ROOT/etc/riposte/riposte.yaml"
for f in rules/*.yaml; do [ -e "$ROOT/etc/riposte/rules/$(basename "$f")" ] || install -m 0644 "$f" "$ROOT/etc/riposte/rules/"; done
for f in policies/*.yaml; do [ -e "$ROOT/etc/riposte/policies/$(basename "$f")" ] || install -m 0644 "$f" "$ROOT/etc/riposte/policies/"; done
install -m 0644 docs/deploy.md "$ROOT/usr/local/share/doc/riposte/deploy.md"
install -D -m 0644 deploy/systemd/riposte.service "$ROOT/etc/systemd/system/riposte.service"
if [ -z "$ROOT" ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  echo "install.sh: installed; start with: systemctl enable --now riposte"
else
  echo "install.sh: installed under ${ROOT:-/} (systemd not running here: not started)"
fi
