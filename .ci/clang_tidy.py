#!/usr/bin/env python3
"""clang-tidy with the repository's .clang-tidy over the product code (agent/, platform/, probes/)
of a configured build: every translation unit in BUILD_DIR/compile_commands.json under those
folders. Exits 1 on any finding (.clang-tidy has WarningsAsErrors: '*').

  .ci/clang_tidy.py BUILD_DIR [-j JOBS] [--no-cache] [REGEX ...]

REGEX limits the run to the units whose path (relative to the repository) matches one of them.

clang-tidy takes seconds per translation unit (Boost.Process, nlohmann/json and spdlog headers), so
a unit that came out clean is remembered under PREFLIGHT_TIDY_CACHE (default
~/.cache/mde-preflight/clang-tidy) by a hash of what it sees: clang-tidy's version, .clang-tidy,
its compile flags and its preprocessed text (every header it includes), with the checkout's path
taken out so that another clone of the same tree hits the cache. A unit with findings is never
remembered.

The Linux build's database has no Windows-only sources (platform/windows/, agent/*_windows.cpp,
...): they are listed as not tidied. The Windows checks under probes/windows/ build on Linux too and
are tidied here.
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import time

LAYERS = ("agent", "platform", "probes")
# Compiler flags clang-tidy's clang does not know (GCC-only warnings) are not findings.
EXTRA_ARGS = ["--extra-arg=-Wno-unknown-warning-option"]
DIAGNOSTIC = re.compile(r"^(?P<where>[^ :]+:\d+:\d+): (?P<kind>warning|error): (?P<text>.*)$")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def repo_root():
    return os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def product_units(database, root, build):
    units = []
    for entry in database:
        path = os.path.realpath(os.path.join(entry["directory"], entry["file"]))
        relative = os.path.relpath(path, root)
        if path.startswith(build + os.sep) or relative.split(os.sep)[0] not in LAYERS:
            continue
        units.append((relative, entry))
    return sorted(units, key=lambda unit: unit[0])


def tracked_sources(root):
    listed = subprocess.run(["git", "ls-files", "--", *(f"{layer}/*.cpp" for layer in LAYERS)],
                            cwd=root, capture_output=True, text=True, check=True)
    return set(listed.stdout.split())


def preprocess_command(entry):
    """The unit's own compile command, turned into `-E -P` (no object, no depfile, no launcher)."""
    args = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
    out = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if arg in ("-c", "-MD", "-MMD") or os.path.basename(arg) in ("ccache", "sccache"):
            continue
        out.append(arg)
    return out + ["-E", "-P"]


def cache_key(entry, root, fixed):
    pre = subprocess.run(preprocess_command(entry), cwd=entry["directory"], capture_output=True)
    if pre.returncode != 0:
        return None  # clang-tidy will say why
    digest = hashlib.sha256(fixed)
    flags = " ".join(preprocess_command(entry)).replace(root, "@ROOT@")
    digest.update(flags.encode())
    digest.update(pre.stdout.replace(root.encode(), b"@ROOT@"))
    return digest.hexdigest()


def tidy(unit, build, root, fixed, cache_dir):
    relative, entry = unit
    key = cache_key(entry, root, fixed) if cache_dir else None
    marker = os.path.join(cache_dir, key[:2], key) if key else None
    if marker and os.path.exists(marker):
        return relative, True, []
    run = subprocess.run(["clang-tidy", "--quiet", "-p", build, *EXTRA_ARGS,
                          os.path.join(root, relative)],
                         cwd=root, capture_output=True, text=True)
    findings = []
    for line in ANSI.sub("", run.stdout + run.stderr).splitlines():
        match = DIAGNOSTIC.match(line)
        if match:
            where = os.path.relpath(os.path.realpath(match["where"].rsplit(":", 2)[0]), root)
            findings.append(f"{where}:{match['where'].split(':', 1)[1]}: {match['text']}")
    if run.returncode != 0 and not findings:
        findings.append(f"{relative}: clang-tidy exited with {run.returncode}: "
                        f"{(run.stderr or run.stdout).strip()[-500:]}")
    if marker and not findings:
        os.makedirs(os.path.dirname(marker), exist_ok=True)
        with open(marker, "w"):
            pass
    return relative, False, findings


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build", help="a configured build directory (compile_commands.json)")
    parser.add_argument("-j", "--jobs", type=int, default=int(os.environ.get("JOBS", "2")))
    parser.add_argument("--no-cache", action="store_true", help="tidy every unit again")
    parser.add_argument("only", nargs="*", metavar="REGEX", help="only units whose path matches")
    options = parser.parse_args()

    root = repo_root()
    build = os.path.realpath(options.build)
    database_path = os.path.join(build, "compile_commands.json")
    if not os.path.exists(database_path):
        print(f"clang-tidy: no {database_path}; configure first "
              f"(cmake -S . -B {options.build} -G Ninja)", file=sys.stderr)
        return 2
    with open(database_path) as f:
        units = product_units(json.load(f), root, build)
    if options.only:
        units = [unit for unit in units if any(re.search(only, unit[0]) for only in options.only)]

    version = subprocess.run(["clang-tidy", "--version"], capture_output=True, text=True,
                             check=True).stdout
    with open(os.path.join(root, ".clang-tidy"), "rb") as f:
        fixed = version.encode() + f.read() + " ".join(EXTRA_ARGS).encode()
    cache_dir = None if options.no_cache else os.environ.get(
        "PREFLIGHT_TIDY_CACHE",
        os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                     "mde-preflight", "clang-tidy"))

    started = time.monotonic()
    cached = 0
    findings = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
        for relative, hit, found in pool.map(
                lambda unit: tidy(unit, build, root, fixed, cache_dir), units):
            cached += hit
            findings.extend(found)
            if found:
                print(f"clang-tidy: {relative}: {len(found)} finding(s)", flush=True)

    untidied = sorted(tracked_sources(root) - {relative for relative, _ in units})
    if untidied and not options.only:
        print(f"clang-tidy: not in this build's compile database, so not tidied here "
              f"({len(untidied)}): {' '.join(untidied)}")
    unique = sorted(set(findings))
    for finding in unique:
        print(finding)
    print(f"clang-tidy: {len(units)} translation units ({cached} unchanged since a clean run), "
          f"{len(unique)} findings, {time.monotonic() - started:.0f} s at -j{options.jobs}")
    return 1 if unique else 0


if __name__ == "__main__":
    sys.exit(main())
