"""Real Debian trees made by debootstrap for the image tests, cached between runs.

Cache: MDE_PREFLIGHT_TREE_CACHE, default /var/cache/mde-preflight-tests/:
  debs/                   every .deb downloaded, shared by all trees (debootstrap --cache-dir), so
                          the suites download what they share once
  trees/<suite>-<variant>-<key>/
                          one tree per suite, variant and package list; <key> hashes the recipe,
                          so a changed package list builds a new tree next to the old one. A tree is
                          used only when its .complete marker exists (written after debootstrap
                          succeeded); a half-built tree is removed and built again.
Delete the folder to start cold. Trees are never modified by a test: a test that needs a change
works on a hard-linked copy (cp -al) and replaces files rather than editing them in place.

The mirror is the machine's own (the first Debian URI in /etc/apt/sources.list.d/*.sources or
/etc/apt/sources.list), or MDE_PREFLIGHT_DEBIAN_MIRROR. It is the only non-loopback address the
test suite uses, and only while the cache is cold.
"""

import glob
import hashlib
import os
import re
import shutil
import subprocess
import urllib.request

CACHE = os.environ.get("MDE_PREFLIGHT_TREE_CACHE", "/var/cache/mde-preflight-tests")
# Bump when the way trees are made changes, so old cached trees are not reused.
RECIPE = 1
DEFAULT_MIRROR = "http://deb.debian.org/debian"
# A cold debootstrap of a minbase tree took 59-66 s here and the server-like tree 165 s (Debian 12
# build host, 2 cores); 15 minutes is room for a slow mirror.
DEBOOTSTRAP_TIMEOUT = 900


def mirror():
    if os.environ.get("MDE_PREFLIGHT_DEBIAN_MIRROR"):
        return os.environ["MDE_PREFLIGHT_DEBIAN_MIRROR"]
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for uri in re.findall(r"^URIs:\s*(\S+)", text, re.M):
            if uri.rstrip("/").endswith("/debian"):
                return uri
    if os.path.exists("/etc/apt/sources.list"):
        with open("/etc/apt/sources.list", encoding="utf-8") as f:
            for line in f:
                match = re.match(r"\s*deb\s+(?:\[[^]]*\]\s+)?(\S+/debian)/?\s", line)
                if match:
                    return match.group(1)
    return DEFAULT_MIRROR


def unreachable(suite):
    """Why the mirror cannot serve `suite` (its Release file), or None when it can."""
    url = f"{mirror().rstrip('/')}/dists/{suite}/Release"
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read(1)
        return None
    except OSError as error:
        return f"{url}: {error}"


def tree(suite, include=()):
    """The path of a cached debootstrap --variant=minbase tree of `suite` with `include` added,
    built first when the cache has none. Raises unittest.SkipTest when the mirror is unreachable
    and the tree is not cached."""
    include = sorted(include)
    key = hashlib.sha256(repr((RECIPE, suite, include)).encode()).hexdigest()[:12]
    variant = "minbase" if not include else "server"
    path = os.path.join(CACHE, "trees", f"{suite}-{variant}-{key}")
    if os.path.exists(os.path.join(path, ".complete")):
        return path
    why = unreachable(suite)
    if why:
        import unittest  # pylint: disable=import-outside-toplevel
        raise unittest.SkipTest(f"the Debian mirror does not serve {suite} here: {why}")
    shutil.rmtree(path, ignore_errors=True)
    debs = os.path.join(CACHE, "debs")
    os.makedirs(debs, exist_ok=True)
    argv = ["debootstrap", "--variant=minbase", f"--cache-dir={debs}"]
    if include:
        argv.append("--include=" + ",".join(include))
    argv += [suite, path, mirror()]
    run = subprocess.run(argv, capture_output=True, text=True, timeout=DEBOOTSTRAP_TIMEOUT,
                         check=False)
    if run.returncode != 0:
        log = os.path.join(path, "debootstrap", "debootstrap.log")
        tail = ""
        if os.path.exists(log):
            with open(log, encoding="utf-8", errors="replace") as f:
                tail = f.read()[-2000:]
        shutil.rmtree(path, ignore_errors=True)
        raise AssertionError(f"{' '.join(argv)} exited {run.returncode}: {run.stderr[-2000:]}"
                             f"\n{tail}")
    with open(os.path.join(path, ".complete"), "w", encoding="utf-8") as f:
        f.write(" ".join(argv) + "\n")
    return path


def linked_copy(source, destination):
    """A hard-linked copy: directories are new, files shared with the cached tree."""
    subprocess.run(["cp", "-al", source, destination], check=True, timeout=300)


def replace_file(path, text):
    """Writes a new file (a new inode), so a hard-linked cached tree is never changed."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = path + ".preflight-new"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temporary, path)
