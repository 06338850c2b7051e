#!/usr/bin/env python3
"""Times each candidate's start-to-exit RUNS times (interleaved) and prints medians."""
import os
import shutil
import statistics
import subprocess
import sys
import time

runs, work, ours = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rootfs = f"{work}/rootfs"
candidates = {
    "fork+exec": [f"{rootfs}/bin/true"],
    "unshare": ["unshare", "-Urmpuin", "-C", "--fork", f"{rootfs}/bin/true"],
    "snaprun-sandbox": [ours, "run", "--bundle", f"{work}/ours", "bench"],
}
if shutil.which("bwrap"):
    candidates["bwrap"] = ["bwrap", "--unshare-all", "--ro-bind", rootfs, "/", "--proc", "/proc",
                           "--dev", "/dev", "--tmpfs", "/tmp", "--die-with-parent", "/bin/true"]
if shutil.which("crun"):
    candidates["crun"] = ["crun", "--root", f"{work}/crun-state", "run", "--bundle",
                          f"{work}/crun", "ID"]

times = {name: [] for name in candidates}
failed = set()
for i in range(runs):
    for name, argv in candidates.items():
        if name in failed:
            continue
        argv = [a.replace("ID", f"bench{i}") for a in argv]
        start = time.perf_counter()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            print(f"{name}: exit {done.returncode}: {done.stderr.decode().strip()}", file=sys.stderr)
            failed.add(name)
            continue
        times[name].append(elapsed * 1000)

medians = {n: statistics.median(t) for n, t in times.items() if t}
inproc = os.path.join(os.path.dirname(ours), "sandbox_startup_inproc")
if os.path.exists(inproc):
    done = subprocess.run([inproc, rootfs, str(runs)], capture_output=True, text=True)
    if done.returncode == 0:
        medians["snaprun (library)"] = float(done.stdout)
    else:
        print(f"in-process: {done.stderr.strip()}", file=sys.stderr)
loader = []
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run([ours, "--help"], stdout=subprocess.DEVNULL)
    loader.append((time.perf_counter() - start) * 1000)
medians["snaprun --help"] = statistics.median(loader)
print(f"start-to-exit of /bin/true, rootless (uid {os.getuid()}), median of {runs} runs:")
for name, ms in medians.items():
    print(f"  {name:16s} {ms:7.2f} ms")
if "snaprun-sandbox" not in medians:
    sys.exit(1)
print("  (snaprun --help: loading the CLI and its shared libraries, no sandbox)")
for other in ("bwrap", "crun", "unshare"):
    if other in medians:
        print(f"  snaprun-sandbox / {other}: {medians['snaprun-sandbox'] / medians[other]:.2f}")
