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

# timed OUT CMD...: runs CMD (stdout to OUT), prints "WALL CPU" in seconds. CPU time (user +
# system of the command and its children) is the fairer figure on a shared, busy machine.
timed() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
before = resource.getrusage(resource.RUSAGE_CHILDREN)
start = time.monotonic()
with open(out, "wb") as f:
    subprocess.run(cmd, stdout=f, check=True)
wall = time.monotonic() - start
after = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
print(f"{wall:.3f} {cpu:.3f}")
PY
}
wall() { echo "${1% *}"; }
cpu() { echo "${1#* }"; }
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

sha=$(timed /dev/null sh -c "find '$work/tree' -type f -print0 | xargs -0 sha256sum")
tarsum=$(timed /dev/null sh -c "tar c -C '$work/tree' . | sha256sum")
cold=$(timed "$work/cold.json" "$snaprun" snapshot "$work/tree" --json)
warm=$(timed "$work/warm.json" "$snaprun" snapshot "$work/tree" --json)
rm -f "$SNAPRUN_HOME/cache/stat-cache"
rehash=$(timed /dev/null "$snaprun" snapshot "$work/tree" --json)
split() {
  json_field "f\"walk {d['timings']['walk_seconds']:.3f} / hash+copy {d['timings']['hash_seconds']:.3f} / commit {d['timings']['commit_seconds']:.3f}\"" < "$1"
}

echo "== 300 MB in 2000 files (page cache warm for all)   wall s / cpu s"
echo "find | xargs sha256sum:                   $(wall "$sha") / $(cpu "$sha")"
echo "tar c | sha256sum:                        $(wall "$tarsum") / $(cpu "$tarsum")"
echo "snaprun snapshot, cold:                   $(wall "$cold") / $(cpu "$cold")  ($(split "$work/cold.json"))"
echo "snaprun snapshot, warm:                   $(wall "$warm") / $(cpu "$warm")  ($(json_field "d['cached_files']" < "$work/warm.json") files from the stat cache)"
echo "snaprun, no stat cache, objects present:  $(wall "$rehash") / $(cpu "$rehash")"
python3 - "$(wall "$sha")" "$(wall "$tarsum")" "$(wall "$cold")" "$(wall "$warm")" <<'PY'
import sys
sha, tar, cold, warm = map(float, sys.argv[1:])
print(f"ratio cold / sha256sum (wall):  {cold / sha:.2f}")
print(f"ratio cold / tar|sha256 (wall): {cold / tar:.2f}")
print(f"warm as % of cold (wall):       {100 * warm / cold:.1f}%  (target < 5%)")
PY

# 100k files: node_modules/ (60k, pruned whole) and *.pyc (38k, matched one by one) ignored.
python3 - "$work/many" <<'PY'
import os, sys
root = sys.argv[1]
def touch(path, data=b"x"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
touch(f"{root}/.gitignore", b"node_modules/\n*.pyc\n__pycache__/\n")
for i in range(60000):
    touch(f"{root}/node_modules/pkg{i // 500}/lib/f{i}.js")
for i in range(38000):
    touch(f"{root}/src/m{i // 200}/c{i}.pyc")
for i in range(1999):
    touch(f"{root}/src/m{i // 200}/k{i}.py", b"print(%d)\n" % i)
PY
rm -rf "$SNAPRUN_HOME"
sync
many=$(timed "$work/many.json" "$snaprun" snapshot "$work/many" --json)
echo "== 100k files, $(json_field "d['files']" < "$work/many.json") kept after ignores   wall s / cpu s"
echo "snaprun snapshot:                         $(wall "$many") / $(cpu "$many")  ($(split "$work/many.json"))"
walk=$(timed /dev/null find "$work/many" -printf '')
echo "find over the same tree (walk only):      $(wall "$walk") / $(cpu "$walk")"
