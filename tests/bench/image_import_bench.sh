#!/usr/bin/env bash
# Benchmark: `snaprun image import` of a ~200 MB, 4-layer OCI image built with umoci,
# side by side with `umoci unpack --rootless` of the same layout. Best of N runs each,
# cold store every time; prints both times and their ratio. ctest label: bench.
# Usage: image_import_bench.sh [SNAPRUN_BINARY] [RUNS]
set -euo pipefail
snaprun=$(readlink -f "${1:-$(dirname "$0")/../../build/bin/snaprun}")
runs=${2:-3}
work=$(mktemp -d /tmp/snaprun-image-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"

# random_files DIR COUNT KB: incompressible content.
random_files() {
  mkdir -p "$1"
  for i in $(seq "$2"); do head -c "$(($3 * 1024))" /dev/urandom >"$1/r$i.bin"; done
}
# text_files DIR COUNT KB: semi-compressible content (hex of random bytes, ~2:1 under gzip).
text_files() {
  mkdir -p "$1"
  # od writes 49 characters per 16 input bytes: about 3 output bytes per input byte.
  for i in $(seq "$2"); do head -c "$(($3 * 1024 / 3))" /dev/urandom | od -An -tx1 >"$1/t$i.txt"; done
}

echo "== building the layout (umoci)"
umoci init --layout L >/dev/null
umoci new --image L:t
umoci unpack --rootless --image L:t b >/dev/null
random_files b/rootfs/opt/blobs 60 1024            # layer 1: 60 MB, 60 files
umoci repack --image L:t b
text_files b/rootfs/usr/share/text 3000 20          # layer 2: 60 MB, 3000 files
umoci repack --image L:t b
random_files b/rootfs/var/lib/data 400 100          # layer 3: 40 MB, 400 files
rm -rf b/rootfs/opt/blobs/r1*.bin                   # with whiteouts
umoci repack --image L:t b
text_files b/rootfs/srv/www 2000 20                 # layer 4: 40 MB, 2000 files
rm -rf b/rootfs/usr/share/text
mkdir -p b/rootfs/usr/share/text && echo new >b/rootfs/usr/share/text/only
umoci repack --image L:t b
rm -rf b
umoci gc --layout L
du -sh L | sed 's/^/layout size: /'

best() {  # best CMD...: prints the best wall time in seconds over $runs runs
  local best_time=""
  for _ in $(seq "$runs"); do
    rm -rf home bundle
    sync
    local start end t
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc -l)
    if [[ -z "$best_time" ]] || (($(echo "$t < $best_time" | bc -l))); then best_time=$t; fi
  done
  printf '%.3f' "$best_time"
}

snaprun_time=$(best env SNAPRUN_HOME="$work/home" "$snaprun" image import L)
du -sh home/images/*/rootfs | sed 's/^/rootfs size: /;s/\t.*//'
umoci_time=$(best umoci unpack --rootless --image L:t bundle)
echo "snaprun image import:    ${snaprun_time} s"
echo "umoci unpack --rootless: ${umoci_time} s"
echo "ratio umoci/snaprun:     $(echo "$umoci_time / $snaprun_time" | bc -l | xargs printf '%.2f')x"
