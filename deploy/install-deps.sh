#!/usr/bin/env bash
# Installs every Debian 12 package riposte's build, agent and test suite need.
# Idempotent: packages already present are left alone, and apt is only asked when
# something is missing, so running it again on a ready machine takes about a second.
set -euo pipefail

packages=(
  # build toolchain and eBPF
  build-essential cmake pkg-config clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev
  # agent libraries
  libyaml-cpp-dev libyaml-dev libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  libseccomp-dev libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev libre2-dev
  libcpp-httplib-dev libxxhash-dev libssl-dev libnftables-dev
  # containerd's API .proto files, compiled at build time
  golang-github-containerd-containerd-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev libclang-rt-14-dev
  containerd runc containernetworking-plugins nftables iproute2 busybox-static
  # the Docker and Podman hosts' tests: a private dockerd and podman API service
  docker.io podman
  python3 procps util-linux systemd umoci curl openssl git
  # the audit shipping tests: a real syslog collector over TLS
  rsyslog rsyslog-openssl rsyslog-relp
)

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: must run as root (apt-get install)" >&2
  exit 1
fi

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$pkg")
done
# Commands any package may provide: a kubectl from elsewhere (a newer one) or a Node.js
# from elsewhere is kept; Debian's are installed only when the command is absent (Debian's
# kubernetes-client would conflict with another package's /usr/bin/kubectl).
# kubectl renders the kustomize manifests, node checks them against the API schemas.
command -v kubectl >/dev/null || missing+=(kubernetes-client)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps.sh: all ${#packages[@]} packages (and kubectl, node, npm) already installed"
  exit 0
fi

echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
