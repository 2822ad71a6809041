#!/usr/bin/env bash
# The agent image's root filesystem, shared by build-image.sh (umoci) and the Dockerfile
# so the two images hold the same files: the binary, exactly the shared libraries it
# links (at the paths the loader looks), the default rules and policies, the image's
# configuration, and the directories the agent writes.
#   deploy/image/make-rootfs.sh BINARY ROOTFS_DIR      (run from the repository root)
set -euo pipefail
binary="$1"
rootfs="$2"
mkdir -p "$rootfs"/{usr/bin,etc/riposte/rules,etc/riposte/policies,var/log/riposte,var/lib/riposte,run/riposte,tmp}
chmod 1777 "$rootfs/tmp"
install -m 0755 "$binary" "$rootfs/usr/bin/riposte"
ldd "$binary" | awk '/=> \// {print $3} /^[ \t]*\/.*ld-linux/ {print $1}' | sort -u | while read -r lib; do
  install -D -m 0755 "$(readlink -f "$lib")" "$rootfs$lib"
done
install -m 0644 rules/*.yaml "$rootfs/etc/riposte/rules/"
install -m 0644 policies/*.yaml "$rootfs/etc/riposte/policies/"
install -m 0644 deploy/image/riposte-image.yaml "$rootfs/etc/riposte/riposte.yaml"
echo "root:x:0:0:root:/:/usr/bin/riposte" > "$rootfs/etc/passwd"
echo "root:x:0:" > "$rootfs/etc/group"
