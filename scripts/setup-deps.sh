#!/usr/bin/env bash
# Installs every Debian 12 package snaprun builds, tests and benchmarks with.
# Idempotent; needs root (or sudo). Called by scripts/test.sh and the README.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libseccomp-dev libcap-dev libyaml-cpp-dev libpoco-dev libssl-dev libarchive-dev
  libgtest-dev libgmock-dev libsqlite3-dev libcli11-dev
  busybox-static uidmap util-linux iproute2 python3 python3-jsonschema python3-yaml
  umoci skopeo zstd xz-utils keyutils
  libdtl-dev
)
# Benchmarks compare against these; tests never need them.
if [[ "${SNAPRUN_BENCH_DEPS:-0}" == 1 ]]; then
  packages+=(crun runc bubblewrap podman)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
