#!/usr/bin/env bash
# Runs a command as the unprivileged test user when invoked as root (rootless is
# tested rootless), or as the caller otherwise. No capabilities, no groups.
set -euo pipefail
user=${SNAPRUN_TEST_USER:-snaprun-test}
if [[ $(id -u) -ne 0 ]]; then
  exec "$@"
fi
if ! id "$user" >/dev/null 2>&1; then
  echo "as-test-user: user $user missing (scripts/test-user.sh creates it)" >&2
  exit 1
fi
exec setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --clear-groups \
  --inh-caps=-all --bounding-set=-all -- env HOME=/tmp "$@"
