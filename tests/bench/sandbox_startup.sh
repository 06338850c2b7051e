#!/usr/bin/env bash
# Start-to-exit of /bin/true in the busybox rootfs, rootless, side by side: plain
# fork+exec, unshare of the same namespaces, bwrap, crun and snaprun-sandbox (every
# isolation step on). Prints medians and our ratios. Usage: sandbox_startup.sh BIN_DIR [RUNS]
# Needs crun and bubblewrap (scripts/setup-deps.sh with SNAPRUN_BENCH_DEPS=1).
set -euo pipefail
bin_dir=$(cd "${1:?usage: sandbox_startup.sh BIN_DIR [RUNS]}" && pwd)
runs=${2:-50}
here=$(cd "$(dirname "$0")" && pwd)
user=${SNAPRUN_TEST_USER:-snaprun-test}

work=$(mktemp -d /tmp/snaprun-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
"$here/../../images/scripts/build-busybox-rootfs.sh" "$work/rootfs" >/dev/null

as_user=()
if [[ $(id -u) -eq 0 ]]; then
  as_user=(setpriv "--reuid=$user" "--regid=$user" --clear-groups --inh-caps=-all)
  chown -R "$user:" "$work"
fi

# Bundles: ours and crun's, both made by the runtime's own `spec --rootless`.
mkdir -p "$work/ours" "$work/crun" "$work/crun-state"
ln -s ../rootfs "$work/ours/rootfs"
ln -s ../rootfs "$work/crun/rootfs"
[[ $(id -u) -eq 0 ]] && chown -h -R "$user:" "$work"
(cd "$work/ours" && "${as_user[@]}" "$bin_dir/snaprun-sandbox" spec --rootless)
sed -i 's/"args": \["sh"\]/"args": ["\/bin\/true"]/' "$work/ours/config.json"
if command -v crun >/dev/null; then
  (cd "$work/crun" && "${as_user[@]}" crun spec --rootless)
  sed -i 's/"sh"/"\/bin\/true"/; s/"terminal": true/"terminal": false/' "$work/crun/config.json"
fi

# crun 1.8 refuses a hybrid cgroup layout: hide the v2 mount in a private mount
# namespace (as root), then drop to the test user for every measurement.
wrap=()
if [[ $(id -u) -eq 0 ]] && mountpoint -q /sys/fs/cgroup/unified; then
  wrap=(unshare -m sh -c 'umount -l /sys/fs/cgroup/unified && exec "$@"' sh)
fi
"${wrap[@]}" "${as_user[@]}" /usr/bin/python3 "$here/startup_timer.py" "$runs" "$work" "$bin_dir/snaprun-sandbox"
