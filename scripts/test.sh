#!/usr/bin/env bash
# The test command: installs dependencies, builds, runs every ctest suite, then
# runs the suites again under AddressSanitizer + UndefinedBehaviorSanitizer.
# Run it as root (CI does): tests of the rootless path drop to an unprivileged
# user that scripts/test-user.sh creates.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-deps.sh
scripts/test-user.sh

run_suite() {
  local dir=$1; shift
  echo "== build $dir"
  BUILD_DIR=$dir scripts/build.sh "$@"
  # Test binaries run as the unprivileged user too: the tree must be readable.
  chmod -R a+rX "$dir"
  echo "== test $dir"
  (cd "$dir" && ctest --output-on-failure -j2 --timeout 300 -LE bench)
}

run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo
if [[ "${SNAPRUN_SKIP_SANITIZERS:-0}" != 1 ]]; then
  run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DSNAPRUN_SANITIZE=ON
fi
