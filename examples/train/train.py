#!/usr/bin/env python3
"""Fits y = a*x + b to noisy synthetic data by gradient descent.

Deterministic for a given --seed: the same seed gives byte-identical outputs.
Writes one JSON line per epoch to logs/metrics.jsonl and the fitted model to
outputs/model.json.
"""
import argparse
import json
import os
import random


def make_data(rng, count):
    points = []
    for _ in range(count):
        x = rng.uniform(-1.0, 1.0)
        points.append((x, 3.0 * x + 0.5 + rng.gauss(0.0, 0.1)))
    return points


def train(points, epochs, rate, metrics):
    a, b = 0.0, 0.0
    for epoch in range(epochs):
        grad_a = sum(2 * (a * x + b - y) * x for x, y in points) / len(points)
        grad_b = sum(2 * (a * x + b - y) for x, y in points) / len(points)
        a, b = a - rate * grad_a, b - rate * grad_b
        loss = sum((a * x + b - y) ** 2 for x, y in points) / len(points)
        metrics.write(json.dumps({"epoch": epoch, "loss": round(loss, 6)}) + "\n")
        metrics.flush()
    return a, b, loss


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=50)
    args = parser.parse_args()
    os.makedirs("logs", exist_ok=True)
    os.makedirs("outputs", exist_ok=True)
    rng = random.Random(args.seed)
    points = make_data(rng, 200)
    with open("logs/metrics.jsonl", "w") as metrics:
        a, b, loss = train(points, args.epochs, 0.1, metrics)
    model = {"seed": args.seed, "a": round(a, 6), "b": round(b, 6), "loss": round(loss, 6)}
    with open("outputs/model.json", "w") as out:
        json.dump(model, out, indent=2, sort_keys=True)
        out.write("\n")
    print(f"trained: a={a:.3f} b={b:.3f} loss={loss:.5f}")


if __name__ == "__main__":
    main()
