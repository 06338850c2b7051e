#!/usr/bin/env python3
"""Summarises data/samples.csv into outputs/summary.json (mean and count per group)."""
import csv
import json
import os
from collections import defaultdict


def main():
    sums, counts = defaultdict(float), defaultdict(int)
    with open("data/samples.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            sums[row["group"]] += float(row["value"])
            counts[row["group"]] += 1
    summary = {group: {"count": counts[group], "mean": round(sums[group] / counts[group], 6)}
               for group in sorted(counts)}
    os.makedirs("outputs", exist_ok=True)
    with open("outputs/summary.json", "w") as out:
        json.dump(summary, out, indent=2, sort_keys=True)
        out.write("\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
