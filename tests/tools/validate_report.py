#!/usr/bin/python3
"""Validates an mde-preflight JSON report against agent/schema/report.schema.json.

Usage: validate_report.py SCHEMA REPORT.json   (REPORT '-' reads standard input)
Exit 0 when valid; 1 with every violation listed when not.
"""
import json
import sys

import jsonschema


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    if sys.argv[2] == "-":
        report = json.load(sys.stdin)
    else:
        with open(sys.argv[2], encoding="utf-8") as f:
            report = json.load(f)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(report), key=lambda e: list(e.path))
    for error in errors:
        where = "/".join(str(p) for p in error.path) or "(root)"
        print(f"{where}: {error.message}", file=sys.stderr)
    if errors:
        return 1
    print(f"valid: {len(report.get('checks', []))} checks, verdict {report.get('verdict')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
