#!/usr/bin/env bash
# Creates the unprivileged user the rootless tests run as (SNAPRUN_TEST_USER,
# default snaprun-test) and makes the checkout traversable for it. Idempotent.
set -euo pipefail
user=${SNAPRUN_TEST_USER:-snaprun-test}
if [[ $(id -u) -ne 0 ]]; then
  exit 0  # already unprivileged: the tests run as the caller
fi
if ! id "$user" >/dev/null 2>&1; then
  useradd --system --create-home --shell /usr/sbin/nologin "$user"
fi
# The rootless tests execute binaries and read fixtures from the checkout.
dir=$(cd "$(dirname "$0")/.." && pwd)
while [[ "$dir" != / ]]; do
  chmod o+x "$dir" 2>/dev/null || true
  dir=$(dirname "$dir")
done
