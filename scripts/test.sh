#!/usr/bin/env bash
# The test command: installs dependencies, builds, runs every ctest suite, then
# runs the suites again under AddressSanitizer + UndefinedBehaviorSanitizer.
# Run it as root (CI does): tests of the root path need it, and tests of the
# rootless path drop to an unprivileged user that scripts/test-user.sh creates.
# A suite passes only if scripts/check_test_report.py accepts every skip in it.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $(id -u) -ne 0 ]]; then
  echo "scripts/test.sh: run as root (sudo scripts/test.sh): the root-path tests need it and the rootless ones run as a user it creates" >&2
  exit 1
fi

# Labels that must have passing tests in every suite; a skip in any of them must
# name an allowed host fact (tests/allowed_skips.txt) or a mode whose twin passed.
required_labels=(unit integration security rootless root)

stage_start=$SECONDS
stage() {
  echo "== $1 ($((SECONDS - stage_start)) s since start)"
}

stage "dependencies"
scripts/setup-deps.sh
scripts/test-user.sh

run_suite() {
  local dir=$1; shift
  stage "build $dir"
  BUILD_DIR=$dir scripts/build.sh "$@"
  # Test binaries run as the unprivileged user too: the tree must be readable.
  chmod -R a+rX "$dir"
  stage "test $dir"
  local status=0
  (cd "$dir" && ctest --output-on-failure -j2 --timeout 300 -LE bench \
    --test-output-size-passed 8000000 --test-output-size-failed 8000000 \
    --output-junit ctest-report.xml) || status=$?
  (cd "$dir" && ctest --show-only=json-v1 -LE bench >ctest-tests.json)
  stage "check skips $dir"
  python3 scripts/check_test_report.py "$dir/ctest-report.xml" "$dir/ctest-tests.json" \
    tests/allowed_skips.txt "${required_labels[@]}" || status=1
  return "$status"
}

# -g1: line tables and function names, what a failing test's backtrace and a sanitizer
# report need; full debug info cost 10-15% more compile time, most of this script's.
run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"
if [[ "${SNAPRUN_SKIP_SANITIZERS:-0}" != 1 ]]; then
  run_suite build-asan -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -g1" -DSNAPRUN_SANITIZE=ON
fi
stage "done"
