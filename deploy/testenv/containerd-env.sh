#!/usr/bin/env bash
# A private containerd for riposte's tests and demos: its own socket, root and state
# directories, so it never touches a containerd the host already runs. Its CRI plugin is
# on (tests create pods through CRI exactly as a kubelet does), with a CNI bridge network
# in a private range, and two local images built from busybox-static (no registry is
# reachable): riposte.local/busybox:1 for workloads and riposte.local/pause:1 as the pod
# sandbox image.
#
#   containerd-env.sh start    start it (reused if already running); prints the socket
#   containerd-env.sh stop     stop it, its containers, pods and bridge
#   containerd-env.sh rootfs   build (once) a busybox-static rootfs and print its path
#   containerd-env.sh socket   print the socket path
#
# RIPOSTE_TESTENV_DIR overrides the base directory (default /run/riposte-testenv).
set -euo pipefail

# shellcheck source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

base=${RIPOSTE_TESTENV_DIR:-/run/riposte-testenv}
sock=$base/containerd.sock
pidfile=$base/containerd.pid
log=$base/containerd.log
# The pod network: a host bridge and a private /24 that nothing else on a test machine uses.
bridge=rpbr0
subnet=10.213.64.0/24
# The applets the test rootfs links; the images are rebuilt (and re-imported) when this
# list changes.
applets="sh cat ls sleep echo true id touch rm nc wget mkdir ps kill head tail seq expr unshare"
stamp=$(echo "$applets" | md5sum | cut -c1-8)

# Running means answering: a containerd killed -9 leaves its socket file behind, and its
# pid may linger as a zombie, so neither alone says it is up.
running() {
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && [ -S "$sock" ] &&
    timeout 5 ctr --address "$sock" version >/dev/null 2>&1
}

start() {
  mkdir -p "$base/root" "$base/state"
  if running; then
    import_images
    echo "$sock"
    return 0
  fi
  write_cni_config
  cat > "$base/config.toml" <<TOML
version = 2
root = "$base/root"
state = "$base/state"
[debug]
  level = "${RIPOSTE_CONTAINERD_LOG_LEVEL:-info}"
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "riposte.local/pause:1"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  # A kubelet gives the sandbox oom_score_adj -998; lowering it needs CAP_SYS_RESOURCE,
  # which root inside a VM sandbox or a container may not have. Keep it at containerd's.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$base/cni/net.d"
TOML
  rm -f "$sock" "$sock.ttrpc"
  containerd --config "$base/config.toml" >"$log" 2>&1 &
  echo $! > "$pidfile"
  await_running containerd "$log"
  import_images
  echo "$sock"
}

write_cni_config() {
  mkdir -p "$base/cni/net.d" "$base/cni/ipam"
  cat > "$base/cni/net.d/10-riposte.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "riposte-test",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$bridge",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$subnet"}]],
        "dataDir": "$base/cni/ipam"
      }
    },
    {"type": "loopback"}
  ]
}
JSON
}

# An OCI image layout tar holding one uncompressed layer (the rootfs) and a config whose
# command is $2. Built once; containerd's import is idempotent.
build_image() {
  local name=$1 cmd_json=$2 out=$3
  [ -f "$out" ] && return 0
  local dir
  dir=$(rootfs)
  python3 - "$dir" "$name" "$cmd_json" "$out" <<'PY'
import hashlib, io, json, os, sys, tarfile
rootfs, name, cmd, out = sys.argv[1:5]
def blob(data):
    return "sha256:" + hashlib.sha256(data).hexdigest(), data
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as t:
    for entry in sorted(os.listdir(rootfs)):
        t.add(os.path.join(rootfs, entry), arcname=entry)
layer_digest, layer_bytes = blob(layer.getvalue())
config = {"architecture": "amd64", "os": "linux",
          "config": {"Cmd": json.loads(cmd), "Env": ["PATH=/bin"], "WorkingDir": "/"},
          "rootfs": {"type": "layers", "diff_ids": [layer_digest]}}
config_digest, config_bytes = blob(json.dumps(config).encode())
manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": config_digest, "size": len(config_bytes)},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                        "digest": layer_digest, "size": len(layer_bytes)}]}
manifest_digest, manifest_bytes = blob(json.dumps(manifest).encode())
index = {"schemaVersion": 2, "manifests": [{
    "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest,
    "size": len(manifest_bytes), "platform": {"architecture": "amd64", "os": "linux"},
    "annotations": {"io.containerd.image.name": name, "org.opencontainers.image.ref.name": name}}]}
with tarfile.open(out + ".tmp", mode="w") as t:
    def put(path, data):
        info = tarfile.TarInfo(path)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    put("oci-layout", b'{"imageLayoutVersion": "1.0.0"}')
    put("index.json", json.dumps(index).encode())
    for digest, data in ((layer_digest, layer_bytes), (config_digest, config_bytes),
                         (manifest_digest, manifest_bytes)):
        put("blobs/sha256/" + digest.split(":")[1], data)
os.rename(out + ".tmp", out)
PY
}

import_images() {
  mkdir -p "$base/images"
  build_image riposte.local/busybox:1 '["/bin/sh"]' "$base/images/busybox-$stamp.tar"
  build_image riposte.local/pause:1 '["/bin/sleep", "2147483647"]' "$base/images/pause-$stamp.tar"
  for ns in k8s.io default; do
    local done_mark=$base/images/imported-$ns-$stamp
    [ -f "$done_mark" ] && continue
    for tarball in busybox pause; do
      ctr --address "$sock" -n "$ns" images import --snapshotter overlayfs "$base/images/$tarball-$stamp.tar" >/dev/null
    done
    touch "$done_mark"
  done
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
  # Pod network namespaces the CRI plugin left (a test killed mid-way), and the bridge.
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^cni-' || true); do
    if ip netns exec "$ns" ip -o addr 2>/dev/null | grep -q "inet ${subnet%.*}\."; then
      ip netns delete "$ns" 2>/dev/null || true
    fi
  done
  ip link delete "$bridge" 2>/dev/null || true
  rm -rf "$base/cni/ipam"
}

rootfs() {
  local dir=$base/rootfs-busybox
  mkdir -p "$dir"/{bin,etc,tmp,proc,sys,dev,root}
  [ -x "$dir/bin/busybox" ] || cp /bin/busybox "$dir/bin/busybox"
  for applet in $applets; do
    [ -L "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"
  done
  echo "riposte-test" > "$dir/etc/hostname"
  echo "root:x:0:0:root:/root:/bin/sh" > "$dir/etc/passwd"
  echo "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  rootfs) rootfs ;;
  socket) echo "$sock" ;;
  *) echo "usage: $0 start|stop|rootfs|socket" >&2; exit 2 ;;
esac
