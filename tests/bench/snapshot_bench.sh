#!/usr/bin/env bash
# Snapshot benchmark (ctest label bench; not part of normal runs).
#   snapshot_bench.sh PATH/TO/snaprun [WORKDIR]
# 1. 300 MB in 2000 files: cold snapshot next to `find | xargs sha256sum` and
#    `tar c | sha256sum` over the same, pre-read files; then the warm re-snapshot.
# 2. 100k files of which 2000 survive the ignore rules: the walk/hash/commit split.
# Prints figures only; asserts nothing about time (machines differ).
set -euo pipefail

snaprun=${1:?usage: snapshot_bench.sh SNAPRUN [WORKDIR]}
work=${2:-$(mktemp -d /tmp/snaprun-bench-XXXXXX)}
trap 'chmod -R u+rwX "$work" 2>/dev/null; rm -rf "$work"' EXIT
export SNAPRUN_HOME=$work/home

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }
json_field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }

# 2000 files, 295 MB: 1900 small-to-medium files and 100 larger ones, in 40 directories.
python3 - "$work/tree" <<'PY'
import os, random, sys
root = sys.argv[1]
rng = random.Random(7)
budget = 295 * 1024 * 1024
sizes = [rng.randint(1024, 64 * 1024) for _ in range(1900)]
big = (budget - sum(sizes)) // 100
sizes += [big] * 100
for i, size in enumerate(sizes):
    d = os.path.join(root, f"dir{i % 40:02d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"file{i:04d}.bin"), "wb") as f:
        f.write(os.urandom(size))
PY
sync  # the generator's writes are not the snapshot's to flush
find "$work/tree" -type f -print0 | xargs -0 cat > /dev/null  # every contender reads from cache

t0=$(now); find "$work/tree" -type f -print0 | xargs -0 sha256sum > /dev/null; t1=$(now)
sha=$(elapsed "$t0" "$t1")
t0=$(now); tar c -C "$work/tree" . | sha256sum > /dev/null; t1=$(now)
tarsum=$(elapsed "$t0" "$t1")
t0=$(now); cold_json=$("$snaprun" snapshot "$work/tree" --json); t1=$(now)
cold=$(elapsed "$t0" "$t1")
t0=$(now); warm_json=$("$snaprun" snapshot "$work/tree" --json); t1=$(now)
warm=$(elapsed "$t0" "$t1")
rm -f "$SNAPRUN_HOME/cache/stat-cache"
t0=$(now); "$snaprun" snapshot "$work/tree" --json > /dev/null; t1=$(now)
rehash=$(elapsed "$t0" "$t1")

echo "== 300 MB in 2000 files (page cache warm for all)"
echo "find | xargs sha256sum:          ${sha} s"
echo "tar c | sha256sum:               ${tarsum} s"
echo "snaprun snapshot, cold:          ${cold} s  (walk $(json_field "round(d['timings']['walk_seconds'],3)" <<<"$cold_json") / hash+copy $(json_field "round(d['timings']['hash_seconds'],3)" <<<"$cold_json") / commit $(json_field "round(d['timings']['commit_seconds'],3)" <<<"$cold_json"))"
echo "snaprun snapshot, warm:          ${warm} s  ($(json_field "d['cached_files']" <<<"$warm_json") files from the stat cache)"
echo "snaprun, no stat cache, objects present: ${rehash} s"
python3 - "$sha" "$tarsum" "$cold" "$warm" <<'PY'
import sys
sha, tar, cold, warm = map(float, sys.argv[1:])
print(f"ratio cold / sha256sum:  {cold / sha:.2f}")
print(f"ratio cold / tar|sha256: {cold / tar:.2f}")
print(f"warm as % of cold:       {100 * warm / cold:.1f}%  (target < 5%)")
PY

# 100k files: node_modules/ (60k, pruned whole) and *.pyc (38k, matched one by one) ignored.
python3 - "$work/many" <<'PY'
import os, sys
root = sys.argv[1]
def touch(path, data=b"x"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
with open(os.path.join(root, ".gitignore") if os.makedirs(root, exist_ok=True) is None else "", "w") as f:
    f.write("node_modules/\n*.pyc\n__pycache__/\n")
for i in range(60000):
    touch(f"{root}/node_modules/pkg{i // 500}/lib/f{i}.js")
for i in range(38000):
    touch(f"{root}/src/m{i // 200}/c{i}.pyc")
for i in range(1999):
    touch(f"{root}/src/m{i // 200}/k{i}.py", b"print(%d)\n" % i)
PY
rm -rf "$SNAPRUN_HOME"
sync
t0=$(now); many_json=$("$snaprun" snapshot "$work/many" --json); t1=$(now)
echo "== 100k files, $(json_field "d['files']" <<<"$many_json") kept after ignores"
echo "snaprun snapshot:                $(elapsed "$t0" "$t1") s  (walk+ignore $(json_field "round(d['timings']['walk_seconds'],3)" <<<"$many_json") / hash $(json_field "round(d['timings']['hash_seconds'],3)" <<<"$many_json") / commit $(json_field "round(d['timings']['commit_seconds'],3)" <<<"$many_json"))"
t0=$(now); find "$work/many" -printf '' ; t1=$(now)
echo "find over the same tree (walk only, for scale): $(elapsed "$t0" "$t1") s"
