#!/usr/bin/env bash
# End-to-end `snaprun run` against `crun run` of the same busybox rootfs (and rootless
# podman when it is installed and works), log latency from a line written inside to
# `snaprun logs -f` printing it, and `snaprun ls`/`show` on a 30,000-run history.
# Prints figures; asserts nothing about time. Usage: run_bench.sh BIN_DIR TESTS_DIR [RUNS]
set -euo pipefail
bin_dir=$(cd "${1:?usage: run_bench.sh BIN_DIR TESTS_DIR [RUNS]}" && pwd)
tests_dir=$(cd "${2:?usage}" && pwd)
runs=${3:-30}
here=$(cd "$(dirname "$0")" && pwd)
user=${SNAPRUN_TEST_USER:-snaprun-test}

work=$(mktemp -d /tmp/snaprun-run-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
"$here/../../images/scripts/build-busybox-rootfs.sh" "$work/rootfs" >/dev/null
mkdir -p "$work/crun" "$work/crun-state" "$work/home" "$work/code" "$work/latency"
ln -s ../rootfs "$work/crun/rootfs"

as_user=()
if [[ $(id -u) -eq 0 ]]; then
  as_user=(setpriv "--reuid=$user" "--regid=$user" --clear-groups --inh-caps=-all env HOME=/tmp)
  chown -h -R "$user:" "$work"
fi
if command -v crun >/dev/null; then
  (cd "$work/crun" && "${as_user[@]}" crun spec --rootless)
  sed -i 's/"sh"/"\/bin\/true"/; s/"terminal": true/"terminal": false/' "$work/crun/config.json"
fi
export SNAPRUN_HOME=$work/home
"${as_user[@]}" "$bin_dir/snaprun" image import "$work/rootfs" --name busybox >/dev/null
printf 'name: bench\nimage: busybox\ncommand: [/bin/true]\n' > "$work/code/run.yaml"
cat > "$work/latency/run.yaml" <<'SPEC'
name: latency
command: [python3, -c, "import time\nfor i in range(200):\n  print(time.time_ns(), flush=True)\n  time.sleep(0.02)"]
SPEC
[[ $(id -u) -eq 0 ]] && chown -R "$user:" "$work"

# crun 1.8 refuses a hybrid cgroup layout: hide the v2 mount in a private mount
# namespace (as root), then drop to the test user for every measurement.
wrap=()
if [[ $(id -u) -eq 0 ]] && mountpoint -q /sys/fs/cgroup/unified; then
  wrap=(unshare -m sh -c 'umount -l /sys/fs/cgroup/unified && exec "$@"' sh)
fi
"${wrap[@]}" "${as_user[@]}" /usr/bin/python3 "$here/run_bench.py" "$runs" "$work" \
  "$bin_dir/snaprun"
"${as_user[@]}" "$tests_dir/history_fill" "$work/home/history.db" 30000 > "$work/middle-id"
"${as_user[@]}" /usr/bin/python3 "$here/run_bench.py" history "$work" "$bin_dir/snaprun" \
  "$(cat "$work/middle-id")"
