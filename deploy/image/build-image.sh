#!/usr/bin/env bash
# Builds the agent's OCI image without a Docker engine: a minimal root filesystem (the
# riposte binary, exactly the shared libraries it links, the default rules, policies and
# image configuration), made into an OCI image layout with umoci, and packed as a tar
# that `ctr images import` (or skopeo) takes.
#
#   deploy/image/build-image.sh [OUT_DIR] [TAG]      default: build/image, the version
#
# RIPOSTE_BINARY=path uses that binary instead of build/riposte. Dockerfile beside this
# script builds the same image where a Docker engine runs; keep the two equivalent.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-build/image}"
BINARY="${RIPOSTE_BINARY:-build/riposte}"
test -x "$BINARY" || { echo "build-image.sh: build riposte first ($BINARY missing)" >&2; exit 1; }
TAG="${2:-$("$BINARY" --version | awk '{print $2}')}"
command -v umoci >/dev/null || { echo "build-image.sh: umoci is needed (deploy/install-deps.sh installs it)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
deploy/image/make-rootfs.sh "$BINARY" "$rootfs"

layout="$work/layout"
umoci init --layout "$layout"
umoci new --image "$layout:$TAG"
umoci unpack --image "$layout:$TAG" "$work/bundle" >/dev/null
rm -rf "$work/bundle/rootfs"
mv "$rootfs" "$work/bundle/rootfs"
umoci repack --image "$layout:$TAG" "$work/bundle"
umoci config --image "$layout:$TAG" \
  --config.entrypoint /usr/bin/riposte \
  --config.cmd --config=/etc/riposte/riposte.yaml --config.cmd run \
  --config.workingdir / \
  --config.exposedports 9376/tcp \
  --config.label org.opencontainers.image.title=riposte \
  --config.label "org.opencontainers.image.version=$TAG" \
  --config.label org.opencontainers.image.description="riposte runtime protection agent" \
  --architecture amd64 --os linux
umoci gc --layout "$layout"
mkdir -p "$OUT"
tar -C "$layout" -cf "$OUT/riposte-$TAG.oci.tar" .
echo "$OUT/riposte-$TAG.oci.tar"
