#!/usr/bin/env bash
# A private, rootful podman API service for riposte's tests and demos (Debian's podman,
# `podman system service`, the Docker-compatible API riposte reads): its own socket,
# storage and run directories and containers.conf, so it never touches a podman the host
# uses. cgroupfs (no systemd here), file-backed events. Its image, riposte.local/busybox:1,
# is imported from the busybox-static rootfs (no registry is reachable).
#
# The default rlimits podman gives containers (nofile and nproc of about a million) need
# CAP_SYS_RESOURCE to raise, which these machines' bounding set lacks: containers.conf
# lowers them.
#
#   podman-env.sh start    start it (reused if already running); prints the socket
#   podman-env.sh stop     remove its containers, stop it
#   podman-env.sh socket   print the socket path
#   podman-env.sh podman ARGS...   the podman client, through the service
#
# RIPOSTE_TESTENV_DIR overrides the base directory (default /run/riposte-testenv).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
base=${RIPOSTE_TESTENV_DIR:-/run/riposte-testenv}/podman
sock=$base/podman.sock
pidfile=$base/service.pid
log=$base/service.log
export CONTAINERS_CONF=$base/containers.conf

local_podman() { podman --root "$base/root" --runroot "$base/run" --tmpdir "$base/tmp" "$@"; }
pm() { podman --remote --url "unix://$sock" "$@"; }

running() {
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && [ -S "$sock" ] &&
    timeout 5 curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1
}

start() {
  local rootfs
  rootfs=$("$here/containerd-env.sh" rootfs)
  mkdir -p "$base/tmp"
  cat > "$CONTAINERS_CONF" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
netns = "none"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  if ! running; then
    rm -f "$sock"
    # exec: the recorded pid is podman itself, not a subshell running the function (killing
    # that subshell left the service running, one more with every start).
    (exec podman --root "$base/root" --runroot "$base/run" --tmpdir "$base/tmp" system service --time=0 \
      "unix://$sock" >"$log" 2>&1) &
    echo $! > "$pidfile"
    await_running "podman system service" "$log"
  fi
  if ! pm image exists riposte.local/busybox:1 2>/dev/null; then
    tar -C "$rootfs" -c . | local_podman import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' - riposte.local/busybox:1 >/dev/null
  fi
  echo "$sock"
}

stop() {
  if running; then
    pm rm -af -t 0 >/dev/null 2>&1 || true
  fi
  [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  # Services an older version of this script left behind (their pid was not recorded).
  pkill -f -- "system service --time=0 unix://$sock" 2>/dev/null || true
  for _ in $(seq 1 50); do running || break; sleep 0.1; done
  rm -f "$pidfile"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  socket) echo "$sock" ;;
  podman) shift; pm "$@" ;;
  *) echo "usage: $0 start|stop|socket|podman ARGS..." >&2; exit 2 ;;
esac
