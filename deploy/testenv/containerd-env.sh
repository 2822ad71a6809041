#!/usr/bin/env bash
# A private containerd for riposte's tests and demos: its own socket, root and state
# directories, so it never touches a containerd the host already runs.
#
#   containerd-env.sh start    start it (reused if already running); prints the socket
#   containerd-env.sh stop     stop it and remove its state
#   containerd-env.sh rootfs   build (once) a busybox-static rootfs and print its path
#   containerd-env.sh socket   print the socket path
#
# RIPOSTE_TESTENV_DIR overrides the base directory (default /run/riposte-testenv).
set -euo pipefail

base=${RIPOSTE_TESTENV_DIR:-/run/riposte-testenv}
sock=$base/containerd.sock
pidfile=$base/containerd.pid
log=$base/containerd.log

running() {
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && [ -S "$sock" ]
}

start() {
  mkdir -p "$base/root" "$base/state"
  if running; then
    echo "$sock"
    return 0
  fi
  cat > "$base/config.toml" <<TOML
version = 2
root = "$base/root"
state = "$base/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
TOML
  containerd --config "$base/config.toml" >"$log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 1 100); do
    if ctr --address "$sock" version >/dev/null 2>&1; then
      echo "$sock"
      return 0
    fi
    sleep 0.1
  done
  echo "containerd did not come up; its log:" >&2
  tail -n 30 "$log" >&2
  return 1
}

stop() {
  if running; then
    # Remove leftover tasks and containers so runc leaves no cgroups behind.
    for ns in $(ctr --address "$sock" namespaces ls -q 2>/dev/null); do
      for t in $(ctr --address "$sock" -n "$ns" tasks ls -q 2>/dev/null); do
        ctr --address "$sock" -n "$ns" tasks kill -s SIGKILL "$t" >/dev/null 2>&1 || true
        ctr --address "$sock" -n "$ns" tasks delete -f "$t" >/dev/null 2>&1 || true
      done
      for c in $(ctr --address "$sock" -n "$ns" containers ls -q 2>/dev/null); do
        ctr --address "$sock" -n "$ns" containers delete "$c" >/dev/null 2>&1 || true
      done
    done
    kill "$(cat "$pidfile")" 2>/dev/null || true
    for _ in $(seq 1 50); do running || break; sleep 0.1; done
  fi
  rm -f "$pidfile"
}

rootfs() {
  local dir=$base/rootfs-busybox
  if [ ! -x "$dir/bin/busybox" ]; then
    mkdir -p "$dir"/{bin,etc,tmp,proc,sys,dev,root}
    cp /bin/busybox "$dir/bin/busybox"
    for applet in sh cat ls sleep echo true id touch rm nc wget; do
      ln -sf busybox "$dir/bin/$applet"
    done
    echo "riposte-test" > "$dir/etc/hostname"
    echo "root:x:0:0:root:/root:/bin/sh" > "$dir/etc/passwd"
  fi
  echo "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  rootfs) rootfs ;;
  socket) echo "$sock" ;;
  *) echo "usage: $0 start|stop|rootfs|socket" >&2; exit 2 ;;
esac
