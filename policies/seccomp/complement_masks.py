#!/usr/bin/env python3
"""Prints the masked-equality args that match every 32-bit value except the ones
given, for an allow rule in a seccomp profile (the ioctl entry of default.json).

A seccomp rule cannot say "arg != X" on the low 32 bits: SCMP_CMP_NE compares all
64, so X with a high bit set would pass it and the kernel, which truncates the
request to unsigned int, would run X. Masked equality on the low 32 bits can only
say "these bits are this". Walking the binary trie of values from bit 31 down, each
subtree that holds none of the excluded values is one such rule; their union is the
complement. Two excluded values sharing a prefix cost about 34 rules.

Usage: complement_masks.py INDEX VALUE...   e.g. complement_masks.py 1 0x5412 0x541c
"""
import json
import sys

BITS = 32


def complement(excluded):
    rules = []

    def walk(prefix, depth):
        shift = BITS - depth
        if not any(value >> shift == prefix for value in excluded):
            mask = ((1 << BITS) - 1) ^ ((1 << shift) - 1)
            rules.append((mask, prefix << shift))
        elif depth < BITS:
            walk(prefix << 1, depth + 1)
            walk((prefix << 1) | 1, depth + 1)

    walk(0, 0)
    return rules


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    index = int(argv[1])
    excluded = [int(v, 0) for v in argv[2:]]
    for mask, value in complement(excluded):
        print(json.dumps({"index": index, "value": mask, "valueTwo": value,
                          "op": "SCMP_CMP_MASKED_EQ"}) + ",")


if __name__ == "__main__":
    main(sys.argv)
