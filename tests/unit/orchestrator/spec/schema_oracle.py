#!/usr/bin/python3
"""Validates run specs against the JSON Schema, as an independent oracle.

Usage: schema_oracle.py SCHEMA FILE...
Prints one line per FILE: "accept FILE" or "reject FILE: reason". A file that is
not YAML (or not UTF-8) is rejected too. Uses Debian's python3-yaml and
python3-jsonschema only.
"""
import json
import sys

import jsonschema
import yaml


def verdict(validator, path):
    try:
        with open(path, encoding="utf-8") as handle:
            document = yaml.safe_load(handle)
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        return "reject", type(error).__name__
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    if errors:
        return "reject", errors[0].message.replace("\n", " ")[:200]
    return "accept", ""


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sys.argv[2:]:
        result, reason = verdict(validator, path)
        print(f"{result} {path}" + (f": {reason}" if reason else ""))


if __name__ == "__main__":
    main()
