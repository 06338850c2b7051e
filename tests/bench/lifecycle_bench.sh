#!/usr/bin/env bash
# create + start + delete --force round trip of /bin/true in the busybox rootfs,
# rootless, side by side: snaprun-sandbox, crun and runc (each skipped with a reason
# when missing). Prints ms per round trip and our ratios; asserts nothing about time.
# Usage: lifecycle_bench.sh BIN_DIR [ITERATIONS]
set -euo pipefail
bin_dir=$(cd "${1:?usage: lifecycle_bench.sh BIN_DIR [ITERATIONS]}" && pwd)
runs=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
user=${SNAPRUN_TEST_USER:-snaprun-test}

work=$(mktemp -d /tmp/snaprun-lifecycle.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
"$here/../../images/scripts/build-busybox-rootfs.sh" "$work/rootfs" >/dev/null

as_user=()
[[ $(id -u) -eq 0 ]] && as_user=(setpriv "--reuid=$user" "--regid=$user" --clear-groups --inh-caps=-all)

# Bundles made by each runtime's own `spec --rootless`, running /bin/true.
runtimes=(snaprun)
declare -A binary=([snaprun]="$bin_dir/snaprun-sandbox")
for rt in crun runc; do
  if command -v "$rt" >/dev/null; then
    runtimes+=("$rt")
    binary[$rt]=$(command -v "$rt")
  else
    echo "$rt: not installed, skipped"
  fi
done
for rt in "${runtimes[@]}"; do
  mkdir -p "$work/$rt/bundle" "$work/$rt/state"
done
[[ $(id -u) -eq 0 ]] && chown -h -R "$user:" "$work"
for rt in "${runtimes[@]}"; do
  (cd "$work/$rt/bundle" && "${as_user[@]}" "${binary[$rt]}" spec --rootless)
  # runc refuses a symlinked rootfs: every bundle names the shared one absolutely.
  sed -i 's/"args": \[[^]]*\]/"args": ["\/bin\/true"]/; s/"terminal": true/"terminal": false/;
          s|"path": "rootfs"|"path": "'"$work"'/rootfs"|' "$work/$rt/bundle/config.json"
done

# crun 1.8 refuses a hybrid cgroup layout: hide the v2 mount in a private mount
# namespace (as root), then drop to the test user for every measurement.
wrap=()
if [[ $(id -u) -eq 0 ]] && mountpoint -q /sys/fs/cgroup/unified; then
  wrap=(unshare -m sh -c 'umount -l /sys/fs/cgroup/unified && exec "$@"' sh)
fi

# One runtime's loop, run as the test user: prints the mean ms per round trip.
cat > "$work/loop.sh" <<'LOOP'
set -eu
bin=$1 root=$2 bundle=$3 runs=$4
round() {
  "$bin" --root "$root" create --bundle "$bundle" "c$1" </dev/null >/dev/null 2>&1
  "$bin" --root "$root" start "c$1" </dev/null >/dev/null 2>&1
  "$bin" --root "$root" delete --force "c$1" </dev/null >/dev/null 2>&1
}
round warmup
start=$(date +%s%N)
i=0
while [ "$i" -lt "$runs" ]; do round "$i"; i=$((i + 1)); done
end=$(date +%s%N)
echo $(( (end - start) / runs / 1000 ))
LOOP
chmod 755 "$work/loop.sh"

declare -A us
for rt in "${runtimes[@]}"; do
  if ! us[$rt]=$("${wrap[@]}" "${as_user[@]}" sh "$work/loop.sh" "${binary[$rt]}" \
      "$work/$rt/state" "$work/$rt/bundle" "$runs" 2>&1); then
    echo "$rt: round trip failed here, skipped: ${us[$rt]}"
    unset "us[$rt]"
  fi
done

printf '%-10s %12s %10s   (%s round trips of create+start+delete --force, /bin/true, rootless)\n' \
  runtime "ms/round" "ours/it" "$runs"
for rt in "${runtimes[@]}"; do
  [[ -n ${us[$rt]:-} ]] || continue
  ratio=$(awk -v a="${us[snaprun]:-0}" -v b="${us[$rt]}" 'BEGIN { printf "%.2f", a / b }')
  awk -v r="$rt" -v u="${us[$rt]}" -v q="$ratio" 'BEGIN { printf "%-10s %12.2f %10s\n", r, u / 1000, q }'
done
