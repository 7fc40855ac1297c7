"""Runs the built agent over a tree with --root and returns its JSON report, validated against
agent/schema/report.schema.json. MDE_PREFLIGHT_BIN names the built agent."""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA = os.path.join(ROOT, "agent", "schema", "report.schema.json")
VALIDATOR = os.path.join(ROOT, "tests", "tools", "validate_report.py")


def agent():
    return os.environ.get("MDE_PREFLIGHT_BIN", "")


def check_root(tree, *extra):
    """(exit code, report) of `mde-preflight check --root TREE --format json --offline`."""
    run = subprocess.run([agent(), "check", "--root", tree, "--format", "json", "--offline",
                          *extra], capture_output=True, text=True, timeout=120, check=False)
    if run.returncode not in (0, 1):
        raise AssertionError(f"agent exited {run.returncode}: {run.stderr}")
    report = json.loads(run.stdout)
    valid = subprocess.run([sys.executable, VALIDATOR, SCHEMA, "-"], input=run.stdout,
                           capture_output=True, text=True, timeout=60, check=False)
    if valid.returncode != 0:
        raise AssertionError("report violates the schema: " + valid.stderr)
    return run.returncode, report


def by_id(report):
    return {check["id"]: check for check in report["checks"]}
