#!/usr/bin/env python3
"""Reads one ctest run (its JUnit report and its test list) and fails when a test
that must run here did not.

ctest exits 0 when a test skips, so a security test that cannot reach its attack
would read as passed. Here every skip must carry one of two reasons:
  "host fact KEY: detail"  KEY is listed in tests/allowed_skips.txt, which says
                           why a host without that feature has nothing to test;
  "root only: detail" or   the test is meaningful in one mode only, and the same
  "rootless only: detail"  test passed in that mode in this very run (its /Root or
                           /Rootless twin, or its root./rootless. twin).
Anything else (a missing tool, a missing test user, a harness that could not
start) fails the run. Each required label must also have passed tests, so a suite
that was never discovered cannot pass by being empty.

Usage: check_test_report.py JUNIT_XML TESTS_JSON ALLOWED_SKIPS LABEL [LABEL...]
"""
import json
import re
import sys
import xml.etree.ElementTree as ET

# gtest prints "[ RUN      ] Suite.Name", then "file:line: Skipped" and the
# message, then "[  SKIPPED ] Suite.Name (N ms)".
SKIP_BLOCK = re.compile(
    r"^\[ RUN      \] (\S+)\n(.*?)^\[  SKIPPED \] \1 ", re.M | re.S)
PASS_LINE = re.compile(r"^\[       OK \] (\S+) ", re.M)
HOST_FACT = re.compile(r"^host fact ([a-z0-9-]+): ")
MODE_ONLY = re.compile(r"^(root|rootless) only: ")


def mode_of(ctest_name):
    gtest = ctest_name.split(" ", 1)[0]
    if (gtest.startswith("rootless.") or gtest.endswith(".rootless")
            or gtest.endswith("/Rootless")):
        return "rootless"
    return "root"


def inner_name(ctest_name):
    """The gtest name a discovered ctest test runs (without the mode prefix)."""
    for prefix in ("rootless.", "root."):
        if ctest_name.startswith(prefix):
            return ctest_name[len(prefix):]
    return ctest_name


def passed_in(mode, gtest, passed):
    """Whether GTEST's twin in MODE passed: a parameterised test names its mode
    (Suite.Name/Root, Suite.Name/Rootless); any other runs under a ctest prefix
    or suffix that names it."""
    base, sep, suffix = gtest.rpartition("/")
    if sep and suffix in ("Root", "Rootless"):
        twin = base + ("/Root" if mode == "root" else "/Rootless")
        return twin in passed["root"] or twin in passed["rootless"]
    return gtest in passed[mode]


def skip_message(block):
    lines = block.splitlines()
    for i, line in enumerate(lines):
        if line.endswith(": Skipped"):
            return " ".join(l.strip() for l in lines[i + 1:] if l.strip())
    return ""


def load_allowed(path):
    allowed = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, sep, why = line.partition(" ")
            if not sep or not why.strip():
                sys.exit(f"{path}:{number}: expected 'KEY why a host without it has nothing to test'")
            allowed[key] = why.strip()
    return allowed


def load_labels(path):
    with open(path, encoding="utf-8") as f:
        listing = json.load(f)
    labels = {}
    for test in listing.get("tests", []):
        names = []
        for prop in test.get("properties", []):
            if prop.get("name") == "LABELS":
                names = prop.get("value", [])
        labels[test["name"]] = set(names)
    return labels


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    junit, tests_json, allowed_path, required = argv[1], argv[2], argv[3], argv[4:]
    allowed = load_allowed(allowed_path)
    labels = load_labels(tests_json)
    cases = ET.parse(junit).getroot().iter("testcase")

    passed = {"root": set(), "rootless": set()}
    passed_per_label = {label: 0 for label in required}
    skips = []  # (ctest name, mode, gtest name, message)
    problems = []
    for case in cases:
        name = case.get("name")
        status = case.get("status", "")
        output = case.findtext("system-out") or ""
        mode = mode_of(name)
        if status in ("notrun", "disabled") and case.find("skipped") is None:
            problems.append(f"{name}: not run ({status})")
        for gtest in PASS_LINE.findall(output):
            passed[mode].add(gtest)
        if status == "run":
            passed[mode].add(inner_name(name))
            for label in labels.get(name, ()):
                if label in passed_per_label:
                    passed_per_label[label] += 1
        for gtest, block in SKIP_BLOCK.findall(output):
            skips.append((name, mode, gtest, skip_message(block)))

    summary = []
    for name, mode, gtest, message in skips:
        fact = HOST_FACT.match(message)
        only = MODE_ONLY.match(message)
        if fact and fact.group(1) in allowed:
            summary.append(f"  {name} ({mode}): {message}\n      allowed: {allowed[fact.group(1)]}")
        elif fact:
            problems.append(f"{name}: skipped on host fact '{fact.group(1)}', "
                            f"which tests/allowed_skips.txt does not list: {message}")
        elif only and passed_in(only.group(1), gtest, passed):
            summary.append(f"  {name} ({mode}): {message} (passed {only.group(1)})")
        elif only:
            problems.append(f"{name}: skipped as {only.group(1)}-only, "
                            f"but did not pass {only.group(1)} in this run: {message}")
        else:
            problems.append(f"{name}: skipped without an allowed reason: {message or '(none)'}")
    for label, count in passed_per_label.items():
        if count == 0:
            problems.append(f"label '{label}': no test passed; the suite did not run here")

    print(f"skips: {len(skips)}, of which allowed {len(summary)}")
    for line in summary:
        print(line)
    if problems:
        print(f"test report: {len(problems)} problem(s):")
        for line in problems:
            print(f"  {line}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
