#!/usr/bin/env bash
# A private dockerd for riposte's tests and demos (Debian's docker.io), on the private
# containerd of containerd-env.sh, with its own socket, data root and exec root, so it
# never touches a dockerd the host already runs. No iptables rules, no default bridge; one
# user bridge network in a private range (rpdk0, 10.213.65.0/24) for the quarantine tests.
# Its image, riposte.local/busybox:1, is imported from the busybox-static rootfs (no
# registry is reachable).
#
#   docker-env.sh start    start it (reused if already running); prints the socket
#   docker-env.sh stop     remove its containers, stop it, remove the bridge
#   docker-env.sh socket   print the socket path
#   docker-env.sh docker ARGS...   the docker client on this dockerd
#
# RIPOSTE_TESTENV_DIR overrides the base directory (default /run/riposte-testenv).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
base=${RIPOSTE_TESTENV_DIR:-/run/riposte-testenv}/docker
sock=$base/docker.sock
pidfile=$base/dockerd.pid
log=$base/dockerd.log
network=rpnet
bridge=rpdk0
subnet=10.213.65.0/24
# Debian's client, the one packaged with this dockerd (a newer one elsewhere on PATH works
# too, but the tests should not depend on it).
client=$(command -v /usr/bin/docker || command -v docker)

dk() { "$client" -H "unix://$sock" "$@"; }

running() {
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && [ -S "$sock" ] &&
    timeout 5 "$client" -H "unix://$sock" version >/dev/null 2>&1
}

start() {
  local containerd_sock rootfs
  containerd_sock=$("$here/containerd-env.sh" start)
  rootfs=$("$here/containerd-env.sh" rootfs)
  mkdir -p "$base"
  if ! running; then
    # A dockerd killed -9 leaves its pid file, which a new one refuses to start over.
    rm -f "$sock" "$pidfile"
    dockerd --host "unix://$sock" --data-root "$base/data" --exec-root "$base/exec" --pidfile "$pidfile" \
      --containerd "$containerd_sock" --iptables=false --ip6tables=false --bridge=none --ip-masq=false \
      --userland-proxy=false >"$log" 2>&1 &
    await_running "dockerd" "$log"
  fi
  if ! dk image inspect riposte.local/busybox:1 >/dev/null 2>&1; then
    tar -C "$rootfs" -c . | dk import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' - riposte.local/busybox:1 >/dev/null
  fi
  if ! dk network inspect "$network" >/dev/null 2>&1; then
    dk network create --driver bridge --subnet "$subnet" -o "com.docker.network.bridge.name=$bridge" \
      -o com.docker.network.bridge.enable_ip_masquerade=false "$network" >/dev/null
  fi
  echo "$sock"
}

stop() {
  if running; then
    local ids
    ids=$(dk ps -aq)
    [ -n "$ids" ] && dk rm -f $ids >/dev/null 2>&1 || true
    kill "$(cat "$pidfile")" 2>/dev/null || true
    for _ in $(seq 1 100); do running || break; sleep 0.1; done
  elif [ -f "$pidfile" ]; then
    kill -9 "$(cat "$pidfile")" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  ip link delete "$bridge" 2>/dev/null || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  socket) echo "$sock" ;;
  docker) shift; dk "$@" ;;
  *) echo "usage: $0 start|stop|socket|docker ARGS..." >&2; exit 2 ;;
esac
