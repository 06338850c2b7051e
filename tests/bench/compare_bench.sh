#!/bin/sh
# Compares two run-output trees of 2000 files, 500 MB (a text line, a JSON number and a
# binary block differ) with compare_tool (CompareTrees over the two outputs manifests),
# beside `diff -r` and diffoscope over the same directories. Each comparison runs twice with
# a warm cache; the second is reported. Harvest is timed separately: a run harvests anyway.
# Prints figures; asserts only that each tool finds the trees different.
# Usage: compare_bench.sh HARVEST_TOOL COMPARE_TOOL [WORK_DIR]
set -eu
harvest=$1
compare=$2
work=${3:-$(mktemp -d /var/tmp/compare-bench.XXXXXX)}
trap 'rm -rf "$work"' EXIT
a=$work/a
mkdir -p "$a/ckpt" "$a/logs" "$a/metrics" "$a/tables"
# 4 x 104 MB checkpoints + one 10 MB binary the diff can read + 1995 files of about 45 KB.
for i in 1 2 3 4; do head -c 104000000 /dev/urandom > "$a/ckpt/model-$i.bin"; done
head -c 10000000 /dev/urandom > "$a/ckpt/embedding.bin"
head -c 90000000 /dev/urandom | base64 -w 76 > "$work/text"
i=0
while [ $i -lt 1995 ]; do
  case $((i % 3)) in
    0) tail -c +$((i * 45000 + 1)) "$work/text" | head -c 45000 > "$a/logs/log-$i.txt"
       echo >> "$a/logs/log-$i.txt" ;;
    1) awk -v s=$i 'BEGIN { srand(s); printf "{\"run\": %d, \"loss\": [", s;
         for (k = 0; k < 2500; k++) printf "%s%.9f", (k ? ", " : ""), rand();
         printf "], \"accuracy\": 0.%d}\n", 9000 + s }' > "$a/metrics/m-$i.json" ;;
    2) awk -v s=$i 'BEGIN { srand(s); print "step,loss,lr";
         for (k = 0; k < 1500; k++) printf "%d,%.9f,%.6f\n", k, rand(), 0.001 }' \
         > "$a/tables/t-$i.csv" ;;
  esac
  i=$((i + 1))
done
rm "$work/text"
cp -a "$a" "$work/b"
b=$work/b
# One changed line of text, one JSON number, one 4 KiB block of a binary.
sed -i '500s/^./#/' "$b/logs/log-300.txt"
sed -i 's/"accuracy": 0\.9301/"accuracy": 0.9302/' "$b/metrics/m-301.json"
head -c 4096 /dev/urandom | dd of="$b/ckpt/embedding.bin" bs=4096 seek=1000 conv=notrunc 2>/dev/null
total=$(du -sb "$a" | cut -f1)
files=$(find "$a" -type f | wc -l)
sync
now() { date +%s.%N; }
t0=$(now); da=$("$harvest" harvest "$a" "$work/home"); t1=$(now)
db=$("$harvest" harvest "$b" "$work/home"); t2=$(now)

# Runs "$@" twice, prints the seconds of the second run; the output goes to $work/out.
time_warm() {
  "$@" > "$work/out" 2>&1 || true
  s=$(now); "$@" > "$work/out" 2>&1 || rc=$?; e=$(now)
  echo "$e - $s" | bc
}
ours=$(time_warm "$compare" "$work/home" "$da" "$db")
grep -q "^3 differences" "$work/out" || { cat "$work/out"; echo "compare_tool missed a difference"; exit 1; }
cp "$work/out" "$work/ours.txt"
diffr=$(time_warm diff -r "$a" "$b")
[ "$(grep -c '^diff -r\|^Binary files' "$work/out")" -eq 3 ] || { cat "$work/out"; exit 1; }
if command -v diffoscope > /dev/null; then
  theirs=$(time_warm timeout 1800 diffoscope --no-progress --text "$work/diffoscope.txt" "$a" "$b")
  diffoscope_note=""
else
  theirs=""
  diffoscope_note="diffoscope not installed (apt-get install -y --no-install-recommends diffoscope-minimal)"
fi
sed 's/^/  | /' "$work/ours.txt" | head -30
awk -v bytes="$total" -v f="$files" -v h1="$(echo "$t1 - $t0" | bc)" \
    -v h2="$(echo "$t2 - $t1" | bc)" -v ours="$ours" -v dr="$diffr" -v ds="$theirs" \
    -v note="$diffoscope_note" 'BEGIN {
  printf "trees: 2 x %.0f MB, %d files each\n", bytes / 1e6, f
  printf "harvest a (new objects):     %7.2f s\n", h1
  printf "harvest b (mostly present):  %7.2f s\n", h2
  printf "compare_tool (warm, 2nd):    %7.3f s\n", ours
  printf "diff -r (warm, 2nd):         %7.3f s   ours/diff -r     %.4f\n", dr, ours / dr
  if (ds != "") printf "diffoscope (warm, 2nd):      %7.3f s   ours/diffoscope  %.5f\n", ds, ours / ds
  else printf "diffoscope: skipped: %s\n", note
}'
