#!/usr/bin/python3
"""validate-run.py RUN_JSON [SCHEMA] - check a run.json against run.schema.json.

Prints "valid" or one line naming the first problem's path, exits 0 or 1
(2 for a missing or unreadable file).  Uses python3-jsonschema (Debian).
"""
import json
import os
import sys

import jsonschema


def main():
    if len(sys.argv) < 2:
        print("usage: validate-run.py RUN_JSON [SCHEMA]", file=sys.stderr)
        return 2
    here = os.path.dirname(os.path.abspath(__file__))
    schema_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "harness", "run.schema.json")
    try:
        with open(sys.argv[1]) as f:
            doc = json.load(f)
        with open(schema_path) as f:
            schema = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{sys.argv[1]}: {e}")
        return 2
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        path = "/".join(str(p) for p in e.absolute_path) or "(root)"
        print(f"{sys.argv[1]}: invalid at {path}: {e.message[:300]}")
        return 1
    print("valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
