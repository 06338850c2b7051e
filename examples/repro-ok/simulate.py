"""A small seeded simulation whose outputs depend only on its inputs."""
import argparse
import csv
import json
import os
import random

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, required=True)
args = parser.parse_args()

# The modes of the files written below would otherwise follow the caller's umask, and
# modes are part of an output (the repro `umask` variation checks exactly that).
os.umask(0o022)

rng = random.Random(args.seed)
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
    for name in sorted(species):
        f.write(name + "\n")

with open(os.path.join(out, "summary.json"), "w") as f:
    json.dump({"seed": args.seed, "final": round(walk[-1], 6),
               "max": round(max(walk), 6), "steps": len(walk) - 1}, f, indent=2, sort_keys=True)
    f.write("\n")
print("final position", round(walk[-1], 6))
