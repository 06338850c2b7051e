#!/bin/sh
# Harvest of a 1 GB output tree (a few large files and many small ones) beside `cp -r` of
# the same tree onto the same filesystem, then the export back. Prints figures; asserts
# nothing about time. Usage: harvest_bench.sh HARVEST_TOOL [WORK_DIR]
set -eu
tool=$1
work=${2:-$(mktemp -d /var/tmp/harvest-bench.XXXXXX)}
trap 'rm -rf "$work"' EXIT
src=$work/outputs
mkdir -p "$src/ckpt" "$src/samples"
for i in 1 2 3 4; do
  head -c 230000000 /dev/urandom > "$src/ckpt/model-$i.bin"
done
i=0
while [ $i -lt 20000 ]; do
  d=$src/samples/$((i % 100))
  [ -d "$d" ] || mkdir -p "$d"
  head -c 4096 /dev/urandom > "$d/s$i.txt"
  i=$((i + 1))
done
total=$(du -sb "$src" | cut -f1)
files=$(find "$src" -type f | wc -l)
sync
now() { date +%s.%N; }
t0=$(now); cp -r "$src" "$work/copy"; sync; t1=$(now)
digest=$("$tool" harvest "$src" "$work/home"); t2=$(now)
"$tool" export "$digest" "$work/home" "$work/export"; t3=$(now)
diff -r "$src" "$work/export" > /dev/null
awk -v b="$total" -v f="$files" -v cp="$(echo "$t1 - $t0" | bc)" \
    -v hv="$(echo "$t2 - $t1" | bc)" -v ex="$(echo "$t3 - $t2" | bc)" 'BEGIN {
  printf "tree: %.0f MB, %d files\n", b / 1e6, f
  printf "cp -r + sync:  %6.2f s  (%.0f MB/s)\n", cp, b / 1e6 / cp
  printf "harvest:       %6.2f s  (%.0f MB/s)  ratio harvest/cp %.2f\n", hv, b / 1e6 / hv, hv / cp
  printf "export:        %6.2f s  (%.0f MB/s)\n", ex, b / 1e6 / ex
}'
