#!/usr/bin/env python3
"""Figures for run_bench.sh. Modes:
  RUNS WORK SNAPRUN            startup vs crun (and podman), then log latency
  history WORK SNAPRUN RUN_ID  ls --limit 50 and show on the filled history"""
import shutil
import statistics
import subprocess
import sys
import time


def timed(argv):
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode != 0:
        raise RuntimeError(f"{argv[0]}: exit {done.returncode}: {done.stderr.decode().strip()}")
    return (time.perf_counter() - start) * 1000


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def podman_works():
    if not shutil.which("podman"):
        return "podman not installed"
    probe = subprocess.run(["podman", "run", "--rm", "--rootfs", "/", "true"],
                           capture_output=True)
    return None if probe.returncode == 0 else "podman does not run here"


def startup(runs, work, snaprun):
    candidates = {"snaprun run": [snaprun, "run", f"{work}/code/run.yaml"]}
    if shutil.which("crun"):
        candidates["crun run"] = ["crun", "--root", f"{work}/crun-state", "run", "--bundle",
                                  f"{work}/crun", "ID"]
    why = podman_works()
    if why is None:
        candidates["podman run"] = ["podman", "run", "--rm", "--rootfs", f"{work}/rootfs",
                                    "/bin/true"]
    times = {name: [] for name in candidates}
    for i in range(runs):
        for name, argv in candidates.items():
            times[name].append(timed([a.replace("ID", f"b{i}") for a in argv]))
    print(f"start-to-exit of /bin/true in the busybox rootfs, median of {runs}:")
    for name, t in times.items():
        print(f"  {name:12s} {statistics.median(t):8.2f} ms  p90 {pct(t, 90):8.2f} ms")
    if why:
        print(f"  podman: skipped ({why})")
    ours = statistics.median(times["snaprun run"])
    for other in ("crun run", "podman run"):
        if other in times:
            print(f"  snaprun run / {other}: {ours / statistics.median(times[other]):.2f}x")


def latency(work, snaprun):
    run = subprocess.run([snaprun, "run", "--detach", f"{work}/latency/run.yaml"],
                         capture_output=True, text=True, check=True)
    follow = subprocess.Popen([snaprun, "logs", "-f", run.stdout.strip()],
                              stdout=subprocess.PIPE, text=True)
    delays = []
    for line in follow.stdout:
        arrived = time.time_ns()
        if line.strip().isdigit():
            delays.append((arrived - int(line)) / 1e6)
    follow.wait()
    print(f"log latency, line written inside to `snaprun logs -f` printing it "
          f"({len(delays)} lines): p50 {pct(delays, 50):.2f} ms  p99 {pct(delays, 99):.2f} ms")


def history(work, snaprun, run_id):
    for what, argv in (("ls --limit 50", [snaprun, "ls", "--limit", "50"]),
                       ("show (12-char prefix)", [snaprun, "show", run_id[:12]])):
        t = [timed(argv) for _ in range(30)]
        print(f"{what:24s} on 30,000 runs: median {statistics.median(t):7.2f} ms  "
              f"p90 {pct(t, 90):7.2f} ms (whole process)")


if sys.argv[1] == "history":
    history(sys.argv[2], sys.argv[3], sys.argv[4])
else:
    startup(int(sys.argv[1]), sys.argv[2], sys.argv[3])
    latency(sys.argv[2], sys.argv[3])
