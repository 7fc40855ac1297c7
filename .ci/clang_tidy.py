#!/usr/bin/env python3
"""clang-tidy with the repository's .clang-tidy over the product code (agent/, platform/, probes/)
of configured builds: every translation unit under those folders in each BUILD_DIR's
compile_commands.json, each unit once (with the first build that has it). Exits 1 on any finding
(.clang-tidy has WarningsAsErrors: '*').

  .ci/clang_tidy.py BUILD_DIR [BUILD_DIR ...] [-j JOBS] [--no-cache] [--only REGEX ...]
                   [--except-units-of BUILD_DIR]

With the Linux build first and the mingw-w64 build (build-win) second, the Windows-only sources
(platform/windows/, agent/*_windows.cpp, ...) are tidied too, for the Windows target: clang-tidy's
clang takes the target from the cross compiler's name, and is given that compiler's libstdc++
include directories, which it does not find on its own.

clang-tidy takes seconds per translation unit (Boost.Process, nlohmann/json and spdlog headers), so
a unit that came out clean is remembered under PREFLIGHT_TIDY_CACHE (default
~/.cache/mde-preflight/clang-tidy) by a hash of what it sees: clang-tidy's version, .clang-tidy,
its compile flags and its preprocessed text (every header it includes), with the checkout's path
taken out so that another clone of the same tree hits the cache. A unit with findings is never
remembered. --only REGEX limits the run to the units whose path (relative to the repository)
matches; --except-units-of skips the units of a build tidied on its own (the Windows build's run
leaves the portable units to the Linux build's).
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
    units = {}
    for entry in database:
        path = os.path.realpath(os.path.join(entry["directory"], entry["file"]))
        relative = os.path.relpath(path, root)
        if path.startswith(build + os.sep) or relative.split(os.sep)[0] not in LAYERS:
            continue
        units[relative] = entry
    return units


def compiler_of(entry):
    args = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
    args = [arg for arg in args if os.path.basename(arg) not in ("ccache", "sccache")]
    return args[0]


def cross_include_args(compiler):
    """A mingw-w64 g++'s libstdc++ directories, as clang-tidy arguments (none for a native one)."""
    if "mingw" not in os.path.basename(compiler):
        return []
    probe = subprocess.run([compiler, "-E", "-v", "-x", "c++", "-"], input="", capture_output=True,
                           text=True)
    dirs = [line.strip() for line in probe.stderr.splitlines()
            if line.startswith(" ") and "/include/c++" in line]
    return [f"--extra-arg=-isystem{os.path.normpath(d)}" for d in dirs]


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


def cache_key(entry, root, fixed, extra):
    pre = subprocess.run(preprocess_command(entry), cwd=entry["directory"], capture_output=True)
    if pre.returncode != 0:
        return None  # clang-tidy will say why
    digest = hashlib.sha256(fixed)
    digest.update(" ".join(extra).encode())
    flags = " ".join(preprocess_command(entry)).replace(root, "@ROOT@")
    digest.update(flags.encode())
    digest.update(pre.stdout.replace(root.encode(), b"@ROOT@"))
    return digest.hexdigest()


def tidy(unit, root, fixed, cache_dir):
    relative, entry, build, extra = unit
    key = cache_key(entry, root, fixed, extra) if cache_dir else None
    marker = os.path.join(cache_dir, key[:2], key) if key else None
    if marker and os.path.exists(marker):
        return relative, True, []
    run = subprocess.run(["clang-tidy", "--quiet", "-p", build, *EXTRA_ARGS, *extra,
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
    parser.add_argument("builds", nargs="+", metavar="BUILD_DIR",
                        help="configured build directories (compile_commands.json)")
    parser.add_argument("-j", "--jobs", type=int, default=int(os.environ.get("JOBS", "2")))
    parser.add_argument("--no-cache", action="store_true", help="tidy every unit again")
    parser.add_argument("--only", action="append", default=[], metavar="REGEX",
                        help="only the units whose path matches (repeatable)")
    parser.add_argument("--except-units-of", action="append", default=[], metavar="BUILD_DIR",
                        help="skip the units this build has (tidied with it elsewhere)")
    options = parser.parse_args()

    root = repo_root()
    units = {}
    for build_dir in options.builds:
        build = os.path.realpath(build_dir)
        database_path = os.path.join(build, "compile_commands.json")
        if not os.path.exists(database_path):
            print(f"clang-tidy: no {database_path}; configure first "
                  f"(cmake -S . -B {build_dir} -G Ninja)", file=sys.stderr)
            return 2
        with open(database_path) as f:
            found = product_units(json.load(f), root, build)
        extra = cross_include_args(compiler_of(next(iter(found.values())))) if found else []
        for relative, entry in found.items():
            units.setdefault(relative, (relative, entry, build, extra))
    skipped = set()
    for build_dir in options.except_units_of:
        build = os.path.realpath(build_dir)
        with open(os.path.join(build, "compile_commands.json")) as f:
            skipped.update(product_units(json.load(f), root, build))
    units = [units[relative] for relative in sorted(units) if relative not in skipped and (
        not options.only or any(re.search(only, relative) for only in options.only))]

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
        for relative, hit, found in pool.map(lambda unit: tidy(unit, root, fixed, cache_dir),
                                             units):
            cached += hit
            findings.extend(found)
            if found:
                print(f"clang-tidy: {relative}: {len(found)} finding(s)", flush=True)

    untidied = sorted(tracked_sources(root) - {unit[0] for unit in units} - skipped)
    if untidied and not options.only:
        print(f"clang-tidy: in no compile database given, so not tidied ({len(untidied)}): "
              f"{' '.join(untidied)}")
    unique = sorted(set(findings))
    for finding in unique:
        print(finding)
    print(f"clang-tidy: {len(units)} translation units ({cached} unchanged since a clean run), "
          f"{len(unique)} findings, {time.monotonic() - started:.0f} s at -j{options.jobs}")
    return 1 if unique else 0


if __name__ == "__main__":
    sys.exit(main())
