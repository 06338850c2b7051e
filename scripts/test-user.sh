#!/usr/bin/env bash
# Creates the unprivileged user the rootless tests run as (SNAPRUN_TEST_USER,
# default snaprun-test) and makes the checkout traversable for it. Idempotent.
# Needs root: the rootless tests drop to this user from a root test run.
set -euo pipefail
user=${SNAPRUN_TEST_USER:-snaprun-test}
if [[ $(id -u) -ne 0 ]]; then
  echo "scripts/test-user.sh: run as root: it creates the user $user" >&2
  exit 1
fi
if ! id "$user" >/dev/null 2>&1; then
  useradd --system --create-home --shell /usr/sbin/nologin "$user"
fi
# The rootless tests execute binaries and read fixtures from the checkout.
dir=$(cd "$(dirname "$0")/.." && pwd)
while [[ "$dir" != / ]]; do
  chmod o+x "$dir"
  dir=$(dirname "$dir")
done
