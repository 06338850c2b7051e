"""The same simulation as examples/repro-ok, with three common reproducibility bugs."""
import csv
import json
import os
import random
import time

rng = random.Random()  # bug 1: no seed
walk = [0.0]
for _ in range(200):
    walk.append(walk[-1] + rng.gauss(0.0, 1.0))

out = os.environ.get("SNAPRUN_OUTPUTS", "outputs")
with open(os.path.join(out, "walk.csv"), "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["step", "position"])
    for step, position in enumerate(walk):
        writer.writerow([step, f"{position:.6f}"])

species = {"wolf", "lynx", "otter", "heron", "newt", "vole"}
with open(os.path.join(out, "species.txt"), "w") as f:
    for name in species:  # bug 2: set order follows the per-process string hash seed
        f.write(name + "\n")

with open(os.path.join(out, "summary.json"), "w") as f:
    json.dump({"final": round(walk[-1], 6), "steps": len(walk) - 1,
               "written_at": time.time()}, f, indent=2, sort_keys=True)  # bug 3: a clock
    f.write("\n")
print("final position", round(walk[-1], 6))
